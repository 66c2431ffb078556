// Types of impact-comment.js, which github-script loads as plain JavaScript.
export declare const MARKER: string;
export declare const PROVENANCE: string;
export declare function readArtifact(dir: string): { report: string; number: string };
export declare function postImpactComment(args: {
    github: unknown;
    context: unknown;
    report: string;
    claimedNumber: string;
}): Promise<number>;
