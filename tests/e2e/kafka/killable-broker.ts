import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { waitFor } from '@tailor/kit/testing';
import { freePort } from '@tailor/mesh';
import { Kafka, logLevel } from 'kafkajs';

import { sigkill } from '../processes.js';

const REPO_ROOT = resolve(fileURLToPath(new URL('../../../..', import.meta.url)));
/** The broker jars' classpath, which infra/kafka/start.sh resolves with Maven on its first run. */
const CLASSPATH_FILE = join(REPO_ROOT, 'infra', 'kafka', '.cache', 'classpath.txt');
const JAVA = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';

/** Why a broker of the test's own cannot be started here, or undefined when it can. */
export const killableBrokerSkip: string | undefined = existsSync(CLASSPATH_FILE)
  ? undefined
  : `no Kafka classpath at ${CLASSPATH_FILE}: run infra/kafka/start.sh once (it resolves the broker jars); this test must kill a real broker`;

/**
 * A single-node KRaft broker of the test's own, on fixed ports and a data folder it keeps, so it
 * can be SIGKILLed and started again on the same log (infra/kafka/start.sh makes a fresh broker
 * each time, and CI's shared broker must not die under the other suites).
 */
export class KillableBroker {
  private process: ChildProcess | null = null;
  readonly address: string;

  private constructor(
    private readonly dir: string,
    private readonly port: number,
  ) {
    this.address = `127.0.0.1:${port}`;
  }

  /** Writes the broker's configuration and formats its storage once. */
  static async create(dir: string): Promise<KillableBroker> {
    const port = await freePort();
    const controllerPort = await freePort();
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(
      join(dir, 'server.properties'),
      [
        'process.roles=broker,controller',
        'node.id=1',
        `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
        'controller.listener.names=CONTROLLER',
        `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
        `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
        'inter.broker.listener.name=PLAINTEXT',
        'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        `log.dirs=${join(dir, 'data')}`,
        'num.partitions=4',
        'auto.create.topics.enable=false',
        'offsets.topic.replication.factor=1',
        'offsets.topic.num.partitions=4',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'group.initial.rebalance.delay.ms=0',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'log4j.properties'),
      `log4j.rootLogger=WARN, file\nlog4j.appender.file=org.apache.log4j.FileAppender\nlog4j.appender.file.File=${join(dir, 'server.log')}\nlog4j.appender.file.layout=org.apache.log4j.PatternLayout\n`,
    );
    const broker = new KillableBroker(dir, port);
    // Cluster ids are 16 random bytes in URL-safe base64; one starting with "-" reads as an option.
    let clusterId = '';
    do clusterId = Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url');
    while (clusterId.startsWith('-'));
    await promisify(execFile)(JAVA, [
      ...broker.jvmArgs(),
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      join(dir, 'server.properties'),
    ]);
    return broker;
  }

  private jvmArgs(): string[] {
    return [
      '-Xms128m',
      '-Xmx384m',
      '-Djava.awt.headless=true',
      `-Dlog4j.configuration=file:${join(this.dir, 'log4j.properties')}`,
      `-Dkafka.logs.dir=${this.dir}`,
      '-cp',
      readFileSync(CLASSPATH_FILE, 'utf8').trim(),
    ];
  }

  /** Starts the broker on its ports and log, and waits until it answers metadata requests. */
  async start(): Promise<void> {
    this.process = spawn(
      JAVA,
      [...this.jvmArgs(), 'kafka.Kafka', join(this.dir, 'server.properties')],
      { stdio: 'ignore' },
    );
    const admin = new Kafka({
      clientId: 'killable-broker-probe',
      brokers: [this.address],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).admin();
    await waitFor(
      async () => {
        try {
          await admin.connect();
          return (await admin.describeCluster()).brokers.length > 0;
        } catch {
          return false;
        } finally {
          await admin.disconnect().catch(() => undefined);
        }
      },
      { timeoutMs: 60_000, intervalMs: 250, description: 'the Kafka broker to answer' },
    );
  }

  /** SIGKILL: no flush, no controlled shutdown, as a crash or an OOM kill. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = null;
    await sigkill(child);
  }
}
