// One prom-client for the whole workspace: a metric made from another copy of the library
// cannot be registered on the subgraph's registry, so services take the classes from here.
export { Counter, Gauge, Histogram, type Registry } from 'prom-client';
