// Stand-in for GitHub Actions running the project's workflow files, job by job, against a bare
// repository standing in for GitHub. What it models (docs.github.com "Workflow syntax", "Contexts",
// "Reusing workflows"):
// - jobs in the order of their `needs`; a job's `if` (success() by default: a needed job that did
//   not succeed skips it, failure() sees any job before it that failed); its `outputs`;
// - a job's steps: `run` under `bash --noprofile --norc -eo pipefail`, in a fresh workspace, with
//   the job's and the step's `env` and GITHUB_SHA, GITHUB_REF, GITHUB_REPOSITORY,
//   GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP; a step's `if`; outputs
//   written to $GITHUB_OUTPUT (name=value and name<<DELIMITER);
// - actions/checkout (./checkout.ts), actions/download-artifact v7 (into `path`, default the
//   workspace, overwriting, `..` segments made `.` as unzip-stream does) and upload-artifact v6
//   (hidden files left out unless include-hidden-files), actions/github-script (the script as an
//   async function of require, github, context); any other action only where the test gives a
//   stand-in for it;
// - a job that calls a reusable workflow (`uses: ./.github/workflows/x.yml`) runs that workflow's
//   jobs with its `with` as inputs, unless the test stands in for it by the job's name (jobs on
//   self-hosted runners: pulumi, the health gate).
// GitHub is reached at $REMOTE_URL (the scripts' own override of github.com). Not modelled:
// concurrency groups, matrices, environments' reviewers (a job in an environment just runs).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { ROOT } from "../../harness";
import { checkout } from "./checkout";
import { condition, Contexts, interpolate, toText } from "./expressions";

export type Result = "success" | "failure" | "skipped" | "cancelled";

export interface JobRun {
    readonly result: Result;
    readonly outputs: Record<string, string>;
    /** What its steps printed, for the test's messages and assertions. */
    readonly log: string;
}

/** What a test says a job that runs elsewhere did. */
export type JobStandIn = (inputs: Record<string, unknown>) => { result: Result; outputs?: Record<string, string> };

export interface Event {
    readonly name: "push" | "workflow_dispatch" | "workflow_run" | "pull_request";
    /** The run's ref and commit (GITHUB_REF, GITHUB_SHA). */
    readonly ref: string;
    readonly sha: string;
    readonly payload?: Record<string, unknown>;
    readonly inputs?: Record<string, unknown>;
    readonly actor?: string;
}

export interface Setting {
    /** The bare repository standing in for github.com/<repository>. */
    readonly remote: string;
    readonly repository: string;
    readonly vars?: Record<string, string>;
    readonly secrets?: Record<string, string>;
    /** Stand-ins by job name, or by a reusable workflow's path. */
    readonly jobs?: Record<string, JobStandIn>;
    /** Artifacts by name: relative path -> content. */
    readonly artifacts?: Map<string, Map<string, string | Buffer>>;
    /** The GitHub API as actions/github-script gets it. */
    readonly github?: unknown;
}

const read = (file: string): any => parse(fs.readFileSync(path.join(ROOT, file), "utf8"));

export class WorkflowRun {
    readonly jobs = new Map<string, JobRun>();
    private readonly flow: any;

    constructor(
        readonly file: string,
        private readonly event: Event,
        private readonly setting: Setting,
        private readonly inputs: Record<string, unknown> = event.inputs ?? {},
    ) {
        this.flow = read(file);
    }

    /** Runs every job (or those named), each after the jobs it needs. */
    async run(only?: readonly string[]): Promise<this> {
        for (const name of Object.keys(this.flow.jobs)) {
            if (only && !only.includes(name)) continue;
            await this.job(name);
        }
        return this;
    }

    /** The overall result: failure if any job failed. */
    get result(): Result {
        return [...this.jobs.values()].some((j) => j.result === "failure") ? "failure" : "success";
    }

    private needsOf(name: string): string[] {
        return [this.flow.jobs[name].needs ?? []].flat();
    }

    /** Every job before this one in its chain of needs. */
    private ancestors(name: string): string[] {
        return this.needsOf(name).flatMap((n) => [n, ...this.ancestors(n)]);
    }

    async job(name: string): Promise<JobRun> {
        const done = this.jobs.get(name);
        if (done) return done;
        const spec = this.flow.jobs[name];
        if (spec === undefined) throw new Error(`stand-in: ${this.file} has no job ${name}`);
        for (const need of this.needsOf(name)) await this.job(need);
        const earlier = this.ancestors(name).map((n) => this.jobs.get(n)!);
        const status = {
            failed: earlier.some((j) => j.result === "failure"),
            cancelled: earlier.some((j) => j.result === "cancelled"),
        };
        const contexts = this.contexts({});
        const direct = this.needsOf(name).map((n) => this.jobs.get(n)!);
        const statusChecked = /\b(success|failure|always|cancelled)\(\)/.test(String(spec.if ?? ""));
        const runs =
            (statusChecked || direct.every((j) => j.result === "success")) && condition(spec.if, contexts, status);
        const result = runs ? await this.execute(name, spec) : { result: "skipped" as const, outputs: {}, log: "" };
        this.jobs.set(name, result);
        return result;
    }

    private contexts(extra: Contexts): Contexts {
        const needs = Object.fromEntries([...this.jobs].map(([n, j]) => [n, { result: j.result, outputs: j.outputs }]));
        return {
            github: {
                sha: this.event.sha,
                ref: this.event.ref,
                repository: this.setting.repository,
                event_name: this.event.name,
                event: this.event.payload ?? {},
                actor: this.event.actor ?? "admin",
                triggering_actor: this.event.actor ?? "admin",
                token: "job-token",
                run_id: "1",
            },
            inputs: this.inputs,
            needs,
            secrets: { GITHUB_TOKEN: "job-token", ...(this.setting.secrets ?? {}) },
            vars: this.setting.vars ?? {},
            runner: { os: "Linux", temp: "" },
            env: {},
            ...extra,
        };
    }

    private async execute(name: string, spec: any): Promise<JobRun> {
        const standIn = this.setting.jobs?.[name] ?? (spec.uses ? this.setting.jobs?.[spec.uses] : undefined);
        if (spec.uses) {
            const inputs = interpolate(spec.with ?? {}, this.contexts({})) as Record<string, unknown>;
            if (standIn) return { outputs: {}, log: "", ...standIn(inputs) };
            if (!String(spec.uses).startsWith("./")) throw new Error(`stand-in: ${name} calls ${spec.uses}`);
            const called = await new WorkflowRun(spec.uses.slice(2), this.event, this.setting, inputs).run();
            return { result: called.result, outputs: {}, log: "" };
        }
        if (standIn) return { outputs: {}, log: "", ...standIn({}) };
        return await new JobSteps(name, spec, this.event, this.setting, (extra) => this.contexts(extra)).run();
    }
}

/** One job's steps on a fresh runner. */
class JobSteps {
    private readonly workspace = fs.mkdtempSync(path.join(os.tmpdir(), "gh-workspace-"));
    private readonly temp = fs.mkdtempSync(path.join(os.tmpdir(), "gh-temp-"));
    private readonly home = fs.mkdtempSync(path.join(os.tmpdir(), "gh-home-"));
    private readonly steps: Record<string, { outputs: Record<string, string>; outcome: Result }> = {};
    private log = "";

    constructor(
        private readonly name: string,
        private readonly spec: any,
        private readonly event: Event,
        private readonly setting: Setting,
        private readonly contextsWith: (extra: Contexts) => Contexts,
    ) {}

    private contexts(): Contexts {
        return this.contextsWith({
            steps: this.steps,
            runner: { os: "Linux", temp: this.temp },
            env: this.spec.env ?? {},
        });
    }

    async run(): Promise<JobRun> {
        let failed = false;
        for (const [index, step] of (this.spec.steps as any[]).entries()) {
            const id = step.id ?? `step-${index}`;
            if (!condition(step.if, this.contexts(), { failed, cancelled: false })) {
                this.steps[id] = { outputs: {}, outcome: "skipped" };
                continue;
            }
            let outcome: Result = "success";
            let outputs: Record<string, string> = {};
            try {
                outputs = step.uses ? await this.action(step) : this.shell(step);
            } catch (error) {
                this.log += `${(error as Error).message}\n`;
                outcome = "failure";
                failed = true;
            }
            this.steps[id] = { outputs, outcome };
        }
        const outputs = failed
            ? {}
            : (Object.fromEntries(
                  Object.entries(interpolate(this.spec.outputs ?? {}, this.contexts()) as Record<string, unknown>).map(
                      ([k, v]) => [k, toText(v)],
                  ),
              ) as Record<string, string>);
        return { result: failed ? "failure" : "success", outputs, log: this.log };
    }

    private env(step: any): NodeJS.ProcessEnv {
        const contexts = this.contexts();
        const own = interpolate({ ...(this.spec.env ?? {}), ...(step.env ?? {}) }, contexts) as Record<string, unknown>;
        return {
            PATH: process.env.PATH,
            HOME: this.home,
            CI: "true",
            GITHUB_ACTIONS: "true",
            GITHUB_SHA: this.event.sha,
            GITHUB_REF: this.event.ref,
            GITHUB_REPOSITORY: this.setting.repository,
            GITHUB_WORKSPACE: this.workspace,
            RUNNER_TEMP: this.temp,
            REMOTE_URL: this.setting.remote,
            ...Object.fromEntries(Object.entries(own).map(([k, v]) => [k, toText(v)])),
        };
    }

    private shell(step: any): Record<string, string> {
        const script = interpolate(step.run, this.contexts()) as string;
        const output = path.join(this.temp, `output-${Math.random()}`);
        const summary = path.join(this.temp, "summary");
        fs.writeFileSync(output, "");
        const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
            cwd: step["working-directory"] ? path.join(this.workspace, step["working-directory"]) : this.workspace,
            env: { ...this.env(step), GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary },
            encoding: "utf8",
        });
        this.log += result.stdout + result.stderr;
        if (result.status !== 0) throw new Error(`${this.name}: step exited ${result.status}: ${result.stderr.trim()}`);
        return parseOutputs(fs.readFileSync(output, "utf8"));
    }

    private async action(step: any): Promise<Record<string, string>> {
        const action = String(step.uses).split("@")[0];
        const inputs = interpolate(step.with ?? {}, this.contexts()) as Record<string, unknown>;
        switch (action) {
            case "actions/checkout": {
                const ref = toText(inputs.ref) || this.event.ref;
                checkout({
                    repositoryUrl: this.setting.remote,
                    directory: inputs.path ? path.join(this.workspace, toText(inputs.path)) : this.workspace,
                    ref,
                    commit: this.event.sha,
                    fetchDepth: inputs["fetch-depth"] === undefined ? 1 : Number(inputs["fetch-depth"]),
                    persistCredentials:
                        inputs["persist-credentials"] === undefined
                            ? true
                            : inputs["persist-credentials"] === true || inputs["persist-credentials"] === "true",
                    sparseCheckout: inputs["sparse-checkout"]
                        ? toText(inputs["sparse-checkout"]).split("\n").filter(Boolean)
                        : undefined,
                    token: "job-token",
                    env: { PATH: process.env.PATH, HOME: this.home },
                });
                return {};
            }
            case "actions/download-artifact": {
                const files = this.setting.artifacts?.get(toText(inputs.name));
                if (files === undefined) throw new Error(`no artifact ${toText(inputs.name)}`);
                const into = inputs.path ? path.resolve(this.workspace, toText(inputs.path)) : this.workspace;
                for (const [name, content] of files) {
                    const safe = name.replace(/(?<=^|[/\\]+)[.][.]+(?=[/\\]+|$)/g, ".");
                    const target = path.join(into, safe);
                    fs.mkdirSync(path.dirname(target), { recursive: true });
                    fs.writeFileSync(target, content);
                }
                return {};
            }
            case "actions/github-script": {
                const script = toText(inputs.script);
                // What github-script does with its script: an async function of its arguments.
                // eslint-disable-next-line @typescript-eslint/no-implied-eval
                const run = new Function(
                    "require",
                    "github",
                    "context",
                    "process",
                    `return (async () => {${script}})();`,
                );
                const previous = process.cwd();
                process.chdir(this.workspace);
                try {
                    const context = { payload: this.event.payload, repo: repoOf(this.setting.repository) };
                    await run(require, this.setting.github, context, {
                        ...process,
                        env: { ...process.env, ...this.env(step) },
                    });
                } finally {
                    process.chdir(previous);
                }
                return {};
            }
            default:
                throw new Error(`stand-in: no stand-in for the action ${action}`);
        }
    }
}

function repoOf(repository: string) {
    const [owner, repo] = repository.split("/");
    return { owner, repo };
}

/** $GITHUB_OUTPUT's lines: name=value, and name<<DELIMITER ... DELIMITER. */
export function parseOutputs(text: string): Record<string, string> {
    const outputs: Record<string, string> = {};
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
        const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
        if (heredoc) {
            const end = lines.indexOf(heredoc[2], i + 1);
            outputs[heredoc[1]] = lines.slice(i + 1, end).join("\n");
            i = end;
        } else if (lines[i].includes("=")) {
            const at = lines[i].indexOf("=");
            outputs[lines[i].slice(0, at)] = lines[i].slice(at + 1);
        }
    }
    return outputs;
}
