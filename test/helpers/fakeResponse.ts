/** The parts of Express's response that webhook() code uses; statusCode stays unset until a node sets it. */
export interface FakeResponse {
	statusCode?: number;
	body?: unknown;
	headersSent: boolean;
	status(code: number): FakeResponse;
	json(body: unknown): FakeResponse;
	send(body: unknown): FakeResponse;
	end(): FakeResponse;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const resumeHarness = require('../../harness/n8n-resume') as { fakeResponse(): FakeResponse };

export const fakeResponse = (): FakeResponse => resumeHarness.fakeResponse();
