// Benchmark: how the program's evaluation time grows with the number of K3s agents.
// `npm run bench` evaluates the production stack under Pulumi's mocks with 3 servers and 2, then
// 50, agents and prints the median of several runs of each.
import { homelab } from "../stacks/homelab";
import { HOST_KEY, k3sNodes } from "../test/fixtures";
import { settle, fixtureStackFile, useStack, withConfig } from "../test/harness";

const RUNS = 7;

async function evaluate(agents: number): Promise<number> {
    // Production pins every node's host key.
    const nodes = k3sNodes(3, agents).map((node) => ({ ...node, hostKey: HOST_KEY }));
    // The servers are 10.0.1.x and the agents 10.0.2.x: one LAN, with the pool on it.
    const file = withConfig(fixtureStackFile("production"), {
        cluster: { nodes, lan: "10.0.0.0/16" },
        metallb: { pools: [{ name: "default", addresses: ["10.0.200.0/24"] }] },
    });
    const start = process.hrtime.bigint();
    await useStack("production", file);
    homelab();
    await settle();
    return Number(process.hrtime.bigint() - start) / 1e6;
}

async function median(agents: number): Promise<number> {
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) times.push(await evaluate(agents));
    return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

async function main(): Promise<void> {
    await evaluate(2); // warm up the module cache and the JIT
    const small = await median(2);
    const large = await median(50);
    console.log(`3 servers + 2 agents:  ${small.toFixed(0)} ms`);
    console.log(`3 servers + 50 agents: ${large.toFixed(0)} ms`);
    console.log(`ratio: ${(large / small).toFixed(2)}`);
}

void main();
