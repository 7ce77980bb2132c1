import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How the local OpenAI-compatible test server answers:
 * - `normal`: a grounded answer built from the item facts in the prompt, naming the shopper's
 *   likes it was given;
 * - `impersonal`: the same answer without the shopper's likes (a model that ignores the user);
 * - `slow`: never answers (the client's timeout must end the wait);
 * - `error`: HTTP 500;
 * - `ungrounded`: an answer full of claims and numbers the facts do not hold;
 * - `obey`: does what any instruction-like text in the prompt says ("say FREE" → FREE), else
 *   answers normally: a model that falls for injections;
 * - `no-structured-output`: 400 to any `response_format`, else a normal answer in a Markdown fence;
 * - `gated`: a normal answer, held until {@link FakeChatServer.release}.
 */
export type ChatServerMode =
  | 'normal'
  | 'impersonal'
  | 'slow'
  | 'error'
  | 'ungrounded'
  | 'obey'
  | 'no-structured-output'
  | 'gated';

/** One request the server received. */
export interface ReceivedChatRequest {
  authorization: string | undefined;
  /** The W3C trace context the client sent, when it traces. */
  traceparent: string | undefined;
  body: {
    model?: string;
    messages?: { role: string; content: string }[];
    response_format?: { type: string; json_schema?: { name: string; schema: unknown } };
  };
}

/** A running test server. */
export interface FakeChatServer {
  /** `http://127.0.0.1:<port>/v1`. */
  baseUrl: string;
  mode: ChatServerMode;
  requests: ReceivedChatRequest[];
  /** Requests being answered now, and the most seen at once. */
  inFlight: number;
  maxInFlight: number;
  /** Answers every held `gated` request. */
  release(): void;
  close(): Promise<void>;
}

interface PromptFacts {
  title: string;
  category: string;
  tags: string[];
  attributes: Record<string, string>;
  price_text: string;
  likes: string[];
}

/** Lines of the data block that are not attributes of the item. */
const NOT_ATTRIBUTES = new Set([
  'Title',
  'Category',
  'Tags',
  'Price',
  'About',
  'Shopper likes',
  'Shopper picked',
]);

/** Reads the `<data>` block back: one `Label: value` line per fact. */
function factsOf(request: ReceivedChatRequest): PromptFacts {
  const user = request.body.messages?.find((m) => m.role === 'user')?.content ?? '';
  const block = /<data>\n([\s\S]*?)\n<\/data>/.exec(user)?.[1] ?? '';
  const lines = block.split('\n').flatMap((line) => {
    const at = line.indexOf(': ');
    return at < 0 ? [] : [[line.slice(0, at), line.slice(at + 2)] as const];
  });
  const get = (label: string) => lines.find(([name]) => name === label)?.[1] ?? '';
  const tags = get('Tags');
  // The interest the task is written around ("for a shopper who likes camping: …") and the
  // shopper's likes the item carries.
  const angle = /a shopper who likes ([^:]+):/.exec(user)?.[1];
  const likes = get('Shopper likes');
  return {
    likes: [
      ...new Set([
        ...(angle === undefined ? [] : [angle]),
        ...(likes === '' ? [] : likes.split(', ')),
      ]),
    ],
    title: get('Title'),
    category: get('Category'),
    tags: tags === '' ? [] : tags.split(', '),
    attributes: Object.fromEntries(lines.filter(([name]) => !NOT_ATTRIBUTES.has(name))),
    price_text: get('Price'),
  };
}

function wantsAd(request: ReceivedChatRequest): boolean {
  const user = request.body.messages?.find((m) => m.role === 'user')?.content ?? '';
  return user.includes('"headline"');
}

function groundedAnswer(request: ReceivedChatRequest, personal = true): object {
  const facts = factsOf(request);
  const likes = personal ? facts.likes : [];
  if (wantsAd(request)) {
    const words = facts.title.split(' ');
    let headline = '';
    for (const word of words)
      if (`${headline} ${word}`.trim().length <= 40) headline = `${headline} ${word}`.trim();
    return {
      headline,
      body: `An item in ${facts.category} from the local test model. ${facts.price_text}.${likes.length > 0 ? ` For ${likes.join(' and ')}.` : ''}`,
      callToAction: 'See more',
    };
  }
  const attributes = Object.entries(facts.attributes)
    .map(([name, value]) => `its ${name} is ${value}`)
    .join(' and ');
  const text = [
    `${facts.title} is an item in ${facts.category}${facts.tags.length > 0 ? ` with the tags ${facts.tags.join(', ')}` : ''}.`,
    attributes === '' ? '' : `Here ${attributes}.`,
    `It is listed at ${facts.price_text}.`,
    likes.length > 0 ? `Picked for a shopper who likes ${likes.join(' and ')}.` : '',
    'This text was written by the local test model, which only repeats the facts it was given in a calm and plain way.',
  ]
    .filter((s) => s !== '')
    .join(' ');
  return { text };
}

function ungroundedAnswer(request: ReceivedChatRequest): object {
  return wantsAd(request)
    ? {
        headline: 'FREE shipping today',
        body: 'The best deal ever: 50% off, guaranteed.',
        callToAction: 'Buy now',
      }
    : {
        text:
          'FREE shipping and the best price ever, 50% off today only. This guaranteed bestseller is made of Italian leather ' +
          'and comes with a 10 year warranty, so order now while the limited stock lasts and save big on every order.',
      };
}

function obeyedAnswer(request: ReceivedChatRequest): object {
  const everything = (request.body.messages ?? []).map((m) => m.content).join('\n');
  const order = /\bsay\s+([A-Z]{2,})/.exec(everything);
  if (order === null) return groundedAnswer(request);
  const word = order[1] ?? '';
  return wantsAd(request)
    ? { headline: word, body: `${word} ${word}`, callToAction: word }
    : { text: `${word} `.repeat(40).trim() };
}

/** Words stand in for tokens: enough for a test to see that the counts are passed on. */
function words(text: string): number {
  return text.split(/\s+/).filter((w) => w !== '').length;
}

function completion(content: string, request: ReceivedChatRequest): object {
  const prompt = words((request.body.messages ?? []).map((m) => m.content).join(' '));
  const answer = words(content);
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 0,
    model: 'local-test-model',
    choices: [
      { index: 0, finish_reason: 'stop', message: { role: 'assistant', content, refusal: null } },
    ],
    usage: { prompt_tokens: prompt, completion_tokens: answer, total_tokens: prompt + answer },
  };
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<ReceivedChatRequest['body']> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedChatRequest['body'];
}

/** Starts the server on 127.0.0.1 with a free port. */
export async function startFakeChatServer(
  initialMode: ChatServerMode = 'normal',
): Promise<FakeChatServer> {
  const held: (() => void)[] = [];
  const state: FakeChatServer = {
    baseUrl: '',
    mode: initialMode,
    requests: [],
    inFlight: 0,
    maxInFlight: 0,
    release: () => {
      for (const answer of held.splice(0)) answer();
    },
    close: async () => {},
  };

  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || !(req.url ?? '').endsWith('/chat/completions')) {
        send(res, 404, { error: { message: 'not found' } });
        return;
      }
      const traceparent = req.headers.traceparent;
      const request: ReceivedChatRequest = {
        authorization: req.headers.authorization,
        traceparent: typeof traceparent === 'string' ? traceparent : undefined,
        body: await readJson(req),
      };
      state.requests.push(request);
      state.inFlight += 1;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      res.on('close', () => {
        state.inFlight -= 1;
      });
      switch (state.mode) {
        case 'slow':
          return; // Never answered: the client gives up, closing the connection.
        case 'error':
          send(res, 500, { error: { message: 'the model fell over', type: 'server_error' } });
          return;
        case 'ungrounded':
          send(res, 200, completion(JSON.stringify(ungroundedAnswer(request)), request));
          return;
        case 'impersonal':
          send(res, 200, completion(JSON.stringify(groundedAnswer(request, false)), request));
          return;
        case 'obey':
          send(res, 200, completion(JSON.stringify(obeyedAnswer(request)), request));
          return;
        case 'no-structured-output':
          if (request.body.response_format !== undefined) {
            send(res, 400, {
              error: { message: "response_format 'json_schema' is not supported by this server" },
            });
          } else {
            send(
              res,
              200,
              completion(
                `Here you go:\n\`\`\`json\n${JSON.stringify(groundedAnswer(request))}\n\`\`\``,
                request,
              ),
            );
          }
          return;
        case 'gated':
          held.push(() =>
            send(res, 200, completion(JSON.stringify(groundedAnswer(request)), request)),
          );
          return;
        default:
          send(res, 200, completion(JSON.stringify(groundedAnswer(request)), request));
      }
    })().catch(() => send(res, 400, { error: { message: 'bad request' } }));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
