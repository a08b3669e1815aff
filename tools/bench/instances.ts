// A stack of BENCH_INSTANCES ContainerRegistry components (default 1), for the plan benchmark.
import { ContainerRegistry } from "../../components";

const count = Number(process.env.BENCH_INSTANCES ?? "1");
export const loginServers = Array.from(
  { length: count },
  (_, i) => new ContainerRegistry(`team${i}`, { sku: "Premium", location: "westeurope" }).loginServer,
);
