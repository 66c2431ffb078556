// Field checks shared by the config schema and the profile schema.
import { z } from "zod";

/** A string that must satisfy `test`; the message quotes the offending value. */
export function matching(test: RegExp | ((value: string) => boolean), problem: string) {
    const check = test instanceof RegExp ? (value: string) => test.test(value) : test;
    return z.string().refine(check, { error: (issue) => `${JSON.stringify(issue.input)} ${problem}` });
}
