// Rules of the Git repository Argo CD reads: over ssh, Argo CD checks the server's host key against
// its known hosts (the argocd-ssh-known-hosts-cm ConfigMap), and refuses every fetch from a server
// it does not know ("knownhosts: key is unknown").
import { knownHostLines } from "../host-key";
import { Rule } from "./context";

/** The servers the argo-cd chart's `configs.ssh.knownHosts` lists (10.1.1's values.yaml). */
const ARGOCD_KNOWN_HOSTS = [
    "github.com",
    "[ssh.github.com]:443",
    "bitbucket.org",
    "gitlab.com",
    "ssh.dev.azure.com",
    "vs-ssh.visualstudio.com",
];

/** How known_hosts names an ssh repository's server (`host`, or `[host]:port` off port 22);
 *  undefined for an https one. */
export function sshServer(repoUrl: string): string | undefined {
    const url = /^ssh:\/\/(?:[^@/]+@)?([^/:]+)(?::(\d+))?\//.exec(repoUrl);
    if (url) return url[2] === undefined || url[2] === "22" ? url[1] : `[${url[1]}]:${url[2]}`;
    return /^[\w.-]+@([\w.-]+):/.exec(repoUrl)?.[1];
}

export const sshHostKnown: Rule = ({ config }) => {
    const server = sshServer(config.gitops.repoUrl);
    if (server === undefined || ARGOCD_KNOWN_HOSTS.includes(server)) return [];
    const given = knownHostLines(config.gitops.knownHosts ?? "").flatMap((l) => l.split(/\s+/)[0].split(","));
    if (given.includes(server)) return [];
    return [
        {
            key: "gitops.knownHosts",
            message: `${config.gitops.knownHosts === undefined ? "required" : `names no key of ${server}`}: Argo CD knows the host keys of GitHub, GitLab, Bitbucket and Azure DevOps only, and would refuse every fetch from ${server} (knownhosts: key is unknown)`,
            example: `pulumi config set --path gitops.knownHosts "$(ssh-keyscan ${server.replace(/^\[(.+)\]:(\d+)$/, "-p $2 $1")})"`,
        },
    ];
};
