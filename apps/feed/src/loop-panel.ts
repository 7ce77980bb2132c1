// The loop panel: how each angle of the pictures does over every user, and the experiments with
// their per-arm results. Figures come from the graph; nothing here counts anything itself.
import AngleStats from './AngleStats.graphql';
import { type Execute, GraphQLRequestError } from './client.js';
import ExperimentResults from './ExperimentResults.graphql';
import Experiments from './Experiments.graphql';
import {
  angleRows,
  type AngleStatsData,
  type CardVariant,
  type ExperimentResultsData,
  type ExperimentsData,
  statsNotice,
} from './model.js';
import { part, renderAngle, renderExperiment } from './view.js';

/** The format the cards' buttons credit, so the table is the one a click moves. */
const CREDITED_FORMAT: CardVariant['format'] = 'THUMBNAIL';

/** What the page shows in place of figures that failed to load. */
export function noticeOf(error: unknown): string {
  if (error instanceof GraphQLRequestError) return statsNotice(error.codes, error.message);
  return statsNotice([], error instanceof Error ? error.message : String(error));
}

export class LoopPanel {
  private readonly element = part(document, '#loop');
  /** The refresh under way; a second request waits for it and runs once after. */
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly execute: Execute) {}

  /** Reads the angle table and the experiments again; failures show in place, never throw. */
  refresh(): Promise<void> {
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        this.element.dataset.state = 'loading';
        await Promise.all([this.renderAngles(), this.renderExperiments()]);
      } while (this.again);
      this.element.dataset.state = 'ready';
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async renderAngles(): Promise<void> {
    const list = part(this.element, '.angles');
    const notice = part(this.element, '.angles-notice');
    try {
      const data = await this.execute<AngleStatsData>(AngleStats, { format: CREDITED_FORMAT });
      const rows = angleRows(data.angleStats);
      notice.textContent =
        rows.length === 0 ? 'No picture shown to anyone yet.' : 'Share of showings, and figures.';
      list.replaceChildren(...rows.map(renderAngle));
    } catch (error) {
      notice.textContent = noticeOf(error);
      list.replaceChildren();
    }
  }

  private async renderExperiments(): Promise<void> {
    const list = part(this.element, '.experiments');
    const notice = part(this.element, '.experiments-notice');
    let definitions: ExperimentsData;
    try {
      definitions = await this.execute<ExperimentsData>(Experiments, {});
    } catch (error) {
      notice.textContent = noticeOf(error);
      list.replaceChildren();
      return;
    }
    // Results are for service tokens; a user's token still sees what runs and how it is split.
    let results: ExperimentResultsData | undefined;
    let resultsNotice = '';
    try {
      results = await this.execute<ExperimentResultsData>(ExperimentResults, {});
    } catch (error) {
      resultsNotice = noticeOf(error);
    }
    notice.textContent =
      definitions.experiments.length === 0
        ? 'No experiment defined (EXPERIMENTS of the services).'
        : '';
    list.replaceChildren(
      ...definitions.experiments.map((experiment) =>
        renderExperiment(
          experiment,
          results?.experiments.find((e) => e.name === experiment.name)?.results,
          resultsNotice,
        ),
      ),
    );
  }
}
