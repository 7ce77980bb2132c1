import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { USER_EVENTS_DLQ_TOPIC, USER_EVENTS_TOPIC, USER_FORGOTTEN_TOPIC } from '@tailor/kit';
import { PROFILES_GROUP_ID } from '@tailor/profiles';
import { stringify } from 'yaml';

import {
  envNamesByService,
  GATEWAY_SERVICE,
  MESH_SERVICE,
  workloadName,
  workspaceServices,
} from './services.js';
import {
  findTools,
  type K8sObject,
  type Overlay,
  OVERLAYS,
  parseObjects,
  renderOverlay,
  validateObjects,
} from './tools.js';

/* The shapes of the rendered objects that the assertions read. */
type Labels = Record<string, string>;
interface Probe {
  httpGet?: { path?: string; port?: string | number };
}
interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsNonRoot?: boolean;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type?: string } };
  containers: Container[];
  volumes?: { name: string; emptyDir?: object }[];
}
interface WorkloadSpec {
  replicas?: number;
  template: { metadata: { labels: Labels }; spec: PodSpec };
}
interface Peer {
  podSelector?: { matchLabels?: Labels; matchExpressions?: unknown[] };
  namespaceSelector?: object;
  ipBlock?: object;
}
interface PolicyRule {
  from?: Peer[];
  to?: Peer[];
  ports?: { port?: number }[];
}
interface NetworkPolicySpec {
  podSelector: { matchLabels?: Labels; matchExpressions?: unknown[] };
  policyTypes: string[];
  ingress?: PolicyRule[];
  egress?: PolicyRule[];
}

/** Services whose main.ts opens the Kafka bus, and those that open the Qdrant store. */
const KAFKA_CLIENTS = ['events', 'profiles', 'trainer', 'recommender', 'generation'];
const QDRANT_CLIENTS = ['catalog', 'events', 'profiles', 'trainer', 'recommender', 'generation'];
/** Stateless services scaled on CPU; profiles is scaled by KEDA on consumer lag. */
const HPA_SERVICES = ['gateway', 'catalog', 'events', 'recommender', 'generation'];

const ofKind = <S>(objects: K8sObject[], kind: string) =>
  objects.filter((o) => o.kind === kind) as (K8sObject & { spec: S })[];

const named = <T extends K8sObject>(objects: T[], name: string): T => {
  const found = objects.find((o) => o.metadata.name === name);
  assert.ok(found, `no ${name}`);
  return found;
};

const selects = (
  selector: { matchLabels?: Labels; matchExpressions?: unknown[] },
  labels: Labels,
) => {
  assert.equal(selector.matchExpressions, undefined, 'matchExpressions are not checked here');
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
};

/** The value a container sees for a variable: its own env, else a ConfigMap it reads. */
function envValue(objects: K8sObject[], container: Container, name: string): string | undefined {
  const own = container.env?.find((e) => e.name === name);
  if (own) return own.value;
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef?.name;
    const map = ref
      ? objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === ref)
      : undefined;
    if (map?.data?.[name] !== undefined) return map.data[name];
  }
  return undefined;
}

const tools = findTools();
// Each test is skipped, not the suite, so that the run's summary counts them as skipped.
const skip = tools.available ? false : tools.skip;

describe('Kubernetes manifests', () => {
  const rendered = new Map<Overlay, K8sObject[]>();
  const yamlOf = new Map<Overlay, string>();

  before(() => {
    if (!tools.available) return;
    for (const overlay of OVERLAYS) {
      const yaml = renderOverlay(tools.kustomize, overlay);
      yamlOf.set(overlay, yaml);
      rendered.set(overlay, parseObjects(yaml));
    }
  });

  for (const overlay of OVERLAYS) {
    describe(`when the ${overlay} overlay is rendered`, () => {
      const objects = () => rendered.get(overlay) ?? [];
      const deployments = () => ofKind<WorkloadSpec>(objects(), 'Deployment');
      const policies = () => ofKind<NetworkPolicySpec>(objects(), 'NetworkPolicy');

      it(
        'validates every object against the Kubernetes, Strimzi and KEDA schemas',
        { skip },
        () => {
          assert.ok(tools.available);
          const results = validateObjects(tools.kubeconform, yamlOf.get(overlay) ?? '');
          const failures = results.filter((r) => r.status !== 'statusValid');
          assert.deepEqual(
            failures.map((r) => `${r.kind} ${r.name}: ${r.msg}`),
            [],
            'kubeconform found problems',
          );
          assert.equal(results.length, objects().length, 'kubeconform saw every object');
        },
      );

      it('runs every service of the workspace as a Deployment of its own image', { skip }, () => {
        const expected = workspaceServices()
          .filter((s) => s !== MESH_SERVICE)
          .map(workloadName);
        assert.deepEqual(
          deployments()
            .map((d) => d.metadata.name)
            .sort(),
          expected.sort(),
        );
        for (const d of deployments()) {
          const image = d.spec.template.spec.containers[0]?.image ?? '';
          assert.match(image, new RegExp(`^(.+/)?tailor/${d.metadata.name}:[\\w.-]+$`));
          assert.doesNotMatch(image, /:latest$/);
        }
      });

      it(
        'gives every Deployment probes, resources and a non-root read-only container',
        { skip },
        () => {
          for (const d of deployments()) {
            const pod = d.spec.template.spec;
            const where = `Deployment ${d.metadata.name}`;
            assert.equal(pod.securityContext?.runAsNonRoot, true, `${where}: runAsNonRoot`);
            assert.equal(pod.securityContext?.seccompProfile?.type, 'RuntimeDefault', where);
            const tmp = pod.volumes?.find((v) => v.name === 'tmp');
            assert.ok(tmp?.emptyDir, `${where}: an emptyDir for /tmp`);
            for (const c of pod.containers) {
              const sc = c.securityContext;
              assert.equal(sc?.readOnlyRootFilesystem, true, `${where}: read-only root`);
              assert.equal(sc?.allowPrivilegeEscalation, false, `${where}: no escalation`);
              assert.deepEqual(sc?.capabilities?.drop, ['ALL'], `${where}: drops all capabilities`);
              assert.ok(
                c.volumeMounts?.some((m) => m.name === 'tmp' && m.mountPath === '/tmp'),
                `${where}: /tmp mounted`,
              );
              assert.equal(c.readinessProbe?.httpGet?.path, '/readyz', `${where}: readiness`);
              assert.equal(c.livenessProbe?.httpGet?.path, '/healthz', `${where}: liveness`);
              const port = c.readinessProbe?.httpGet?.port;
              assert.ok(
                c.ports?.some((p) => p.name === port),
                `${where}: probe port ${port}`,
              );
              assert.ok(c.resources?.requests?.cpu, `${where}: cpu request`);
              assert.ok(c.resources?.requests?.memory, `${where}: memory request`);
              assert.ok(c.resources?.limits?.memory, `${where}: memory limit`);
            }
          }
        },
      );

      it(
        'sets only variables the services read, from ConfigMaps and Secrets that exist',
        { skip },
        async () => {
          const allowed = await envNamesByService();
          const secrets = ofKind(objects(), 'Secret').map((s) => s.metadata.name);
          for (const d of deployments()) {
            const service = d.metadata.name === 'gateway' ? GATEWAY_SERVICE : d.metadata.name;
            const names = allowed.get(service);
            assert.ok(names, `no config shape for ${service}`);
            for (const c of d.spec.template.spec.containers) {
              const used = (c.env ?? []).map((e) => e.name);
              for (const source of c.envFrom ?? []) {
                const ref = source.configMapRef?.name;
                assert.ok(ref, `${d.metadata.name}: envFrom only from ConfigMaps`);
                const map = ofKind(objects(), 'ConfigMap').find((m) => m.metadata.name === ref);
                assert.ok(map, `${d.metadata.name}: ConfigMap ${ref} exists`);
                used.push(...Object.keys(map.data ?? {}));
              }
              const unread: string[] = used.filter((name) => !names.has(name));
              assert.deepEqual(unread, [], `${d.metadata.name} sets variables it never reads`);
              for (const e of c.env ?? []) {
                const secret = e.valueFrom?.secretKeyRef?.name;
                if (secret === undefined) continue;
                assert.ok(
                  secret.startsWith('tailor-secrets'),
                  `${e.name} comes from tailor-secrets`,
                );
                if (overlay === 'dev')
                  assert.ok(secrets.includes(secret), `dev generates ${secret}`);
              }
            }
          }
        },
      );

      it(
        'lets only the gateway reach the subgraphs, and each subgraph only its stores',
        { skip },
        () => {
          const subgraphs = deployments().filter((d) => d.metadata.name !== 'gateway');
          for (const d of [...subgraphs, named(deployments(), 'gateway')]) {
            const labels = d.spec.template.metadata.labels;
            const applying = policies().filter((p) => selects(p.spec.podSelector, labels));
            for (const type of ['Ingress', 'Egress']) {
              assert.ok(
                applying.some((p) => p.spec.policyTypes.includes(type)),
                `${d.metadata.name}: ${type} is restricted`,
              );
            }
            const ingress = applying.flatMap((p) => p.spec.ingress ?? []);
            const egress = applying.flatMap((p) => p.spec.egress ?? []);
            const reaches = (target: Labels, port: number) =>
              egress.some(
                (rule) =>
                  (rule.to ?? []).some(
                    (peer) => peer.podSelector && selects(peer.podSelector, target),
                  ) && (rule.ports ?? []).some((p) => p.port === port),
              );
            if (d.metadata.name === 'gateway') {
              assert.ok(
                ingress.some((rule) => rule.from === undefined),
                'the gateway is reachable from outside the namespace',
              );
              continue;
            }
            // A worker (the trainer) serves no one: only the kubelet's probes reach it.
            const worker =
              d.spec.template.metadata.labels['app.kubernetes.io/component'] === 'worker';
            if (worker) assert.equal(ingress.length, 0, `${d.metadata.name}: no one may call it`);
            else assert.ok(ingress.length > 0, `${d.metadata.name}: the gateway may call it`);
            for (const rule of ingress) {
              assert.ok(
                rule.from && rule.from.length > 0,
                `${d.metadata.name}: ingress names its peers`,
              );
              for (const peer of rule.from) {
                assert.equal(
                  peer.namespaceSelector,
                  undefined,
                  `${d.metadata.name}: same namespace`,
                );
                assert.equal(peer.ipBlock, undefined, `${d.metadata.name}: no address ranges`);
                assert.deepEqual(
                  peer.podSelector?.matchLabels,
                  { 'app.kubernetes.io/name': 'gateway' },
                  `${d.metadata.name}: only from the gateway`,
                );
              }
            }
            const kafkaPod = { 'strimzi.io/cluster': 'tailor', 'strimzi.io/kind': 'Kafka' };
            assert.equal(
              reaches(kafkaPod, 9092),
              KAFKA_CLIENTS.includes(d.metadata.name),
              `${d.metadata.name} and Kafka`,
            );
            const qdrantPod = { 'app.kubernetes.io/name': 'qdrant' };
            assert.equal(
              reaches(qdrantPod, 6333),
              QDRANT_CLIENTS.includes(d.metadata.name),
              `${d.metadata.name} and Qdrant`,
            );
            assert.ok(
              reaches(named(deployments(), 'gateway').spec.template.metadata.labels, 4000) ===
                false,
              `${d.metadata.name} cannot call the gateway`,
            );
          }
        },
      );

      it('scales the stateless services on CPU and profiles on its consumer lag', { skip }, () => {
        const hpas = ofKind<{
          scaleTargetRef: { kind: string; name: string };
          minReplicas: number;
        }>(objects(), 'HorizontalPodAutoscaler');
        assert.deepEqual(
          hpas.map((h) => h.spec.scaleTargetRef.name).sort(),
          [...HPA_SERVICES].sort(),
        );
        const scaled = named(
          ofKind<{
            scaleTargetRef: { name: string };
            minReplicaCount: number;
            maxReplicaCount: number;
            triggers: { type: string; metadata: Record<string, string> }[];
          }>(objects(), 'ScaledObject'),
          'profiles',
        );
        assert.equal(scaled.spec.scaleTargetRef.name, 'profiles');
        assert.ok(scaled.spec.minReplicaCount >= 1, 'profiles also serves reads: never zero');
        const kafka = scaled.spec.triggers.find((t) => t.type === 'kafka');
        assert.equal(kafka?.metadata.consumerGroup, PROFILES_GROUP_ID);
        assert.equal(kafka?.metadata.topic, USER_EVENTS_TOPIC);
        const topics = ofKind<{ topicName: string; partitions: number }>(objects(), 'KafkaTopic');
        const events = topics.find((t) => t.spec.topicName === USER_EVENTS_TOPIC);
        assert.ok(events, `a KafkaTopic for ${USER_EVENTS_TOPIC}`);
        assert.ok(
          scaled.spec.maxReplicaCount <= events.spec.partitions,
          'no more profiles consumers than partitions',
        );
        for (const d of deployments()) {
          // The trainer is one replica by design: its store is one volume, and it publishes one model.
          assert.equal(
            d.spec.replicas,
            d.metadata.name === 'trainer' ? 1 : undefined,
            `${d.metadata.name}: the autoscaler owns replicas`,
          );
        }
        const budgets = ofKind<{ selector: { matchLabels: Labels } }>(
          objects(),
          'PodDisruptionBudget',
        );
        for (const d of deployments()) {
          assert.ok(
            budgets.some((b) => selects(b.spec.selector, d.spec.template.metadata.labels)),
            `${d.metadata.name} has a PodDisruptionBudget`,
          );
        }
      });

      it('runs Kafka on KRaft with every topic, and Qdrant with a volume', { skip }, () => {
        const kafka = named(ofKind<{ kafka: { version: string } }>(objects(), 'Kafka'), 'tailor');
        assert.match(
          kafka.spec.kafka.version,
          /^3\.9\./,
          'a Kafka that accepts every kafkajs request',
        );
        const annotations = (kafka.metadata as { annotations?: Labels }).annotations ?? {};
        assert.equal(annotations['strimzi.io/kraft'], 'enabled');
        const pools = ofKind<{ roles: string[] }>(objects(), 'KafkaNodePool');
        assert.deepEqual(pools.flatMap((p) => p.spec.roles).sort(), ['broker', 'controller']);
        const topics = ofKind<{
          topicName: string;
          partitions: number;
          config: Record<string, unknown>;
        }>(objects(), 'KafkaTopic');
        for (const name of [USER_EVENTS_TOPIC, USER_EVENTS_DLQ_TOPIC, USER_FORGOTTEN_TOPIC]) {
          const topic = topics.find((t) => t.spec.topicName === name);
          assert.ok(topic, `a KafkaTopic for ${name}`);
          assert.ok(topic.spec.partitions >= 1);
          assert.ok(Number(topic.spec.config['retention.ms']) > 0, `${name}: retention stated`);
        }
        const qdrant = named(
          ofKind<WorkloadSpec & { volumeClaimTemplates: unknown[] }>(objects(), 'StatefulSet'),
          'qdrant',
        );
        assert.equal(qdrant.spec.volumeClaimTemplates.length, 1);
        const gateway = named(deployments(), 'gateway').spec.template.spec.containers[0];
        const catalog = named(deployments(), 'catalog').spec.template.spec.containers[0];
        assert.ok(gateway && catalog);
        assert.equal(envValue(objects(), catalog, 'QDRANT_URL'), 'http://qdrant:6333');
        named(ofKind(objects(), 'Service'), 'qdrant');
        for (const s of ['catalog', 'events', 'profiles', 'recommender', 'generation']) {
          const url = envValue(objects(), gateway, `${s.toUpperCase()}_URL`);
          const service = named(ofKind<{ ports: { port: number }[] }>(objects(), 'Service'), s);
          assert.equal(url, `http://${s}:${service.spec.ports[0]?.port}/graphql`);
        }
      });

      if (overlay === 'prod') {
        it(
          'authenticates callers with JWTs and keeps every secret out of the manifests',
          { skip },
          () => {
            const gateway = named(deployments(), 'gateway').spec.template.spec.containers[0];
            assert.ok(gateway);
            assert.equal(envValue(objects(), gateway, 'AUTH_MODE'), 'jwt');
            for (const name of ['AUTH_JWT_SECRET', 'GATEWAY_SHARED_SECRET']) {
              const entry = gateway.env?.find((e) => e.name === name);
              assert.ok(entry?.valueFrom?.secretKeyRef, `${name} comes from a Secret`);
            }
            assert.deepEqual(ofKind(objects(), 'Secret'), [], 'no Secret is rendered');
          },
        );
      }
    });
  }

  describe('when an object breaks its schema', () => {
    it('reports it invalid', { skip }, () => {
      assert.ok(tools.available);
      const objects = structuredClone(rendered.get('prod') ?? []);
      const deployment = objects.find((o) => o.kind === 'Deployment') as
        (K8sObject & { spec: WorkloadSpec }) | undefined;
      assert.ok(deployment);
      Object.assign(deployment.spec.template.spec.containers[0] ?? {}, { readinessProbes: [] });
      const topic = objects.find((o) => o.kind === 'KafkaTopic') as K8sObject & {
        spec: { partitions: unknown };
      };
      topic.spec.partitions = 'twelve';
      const yaml = objects.map((o) => stringify(o)).join('---\n');
      const invalid = validateObjects(tools.kubeconform, yaml).filter(
        (r) => r.status === 'statusInvalid',
      );
      assert.deepEqual(invalid.map((r) => `${r.kind} ${r.name}`).sort(), [
        `Deployment ${deployment.metadata.name}`,
        `KafkaTopic ${topic.metadata.name}`,
      ]);
    });
  });

  describe('when the overlays are compared', () => {
    it('runs more replicas in prod than in dev', { skip }, () => {
      const minReplicas = (overlay: Overlay) =>
        ofKind<{ minReplicas: number }>(rendered.get(overlay) ?? [], 'HorizontalPodAutoscaler').map(
          (h) => h.spec.minReplicas,
        );
      assert.ok(Math.min(...minReplicas('prod')) > Math.max(...minReplicas('dev')));
    });
  });
});
