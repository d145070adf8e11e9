/**
 * Rows of the matrix that still fail because a bug of issue 22 is not fixed yet, by row name,
 * each with the bug that breaks it. They run as `test.failing`: once the fix lands they fail
 * (as passing) and must be taken out of this list. No invariant is weakened for them.
 */
export const KNOWN_FAILING: Record<string, string> = {};
