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

export function fakeResponse(): FakeResponse {
	const res: FakeResponse = {
		headersSent: false,
		status(code) {
			res.statusCode = code;
			return res;
		},
		json(body) {
			res.body = body;
			res.headersSent = true;
			return res;
		},
		send(body) {
			res.body = body;
			res.headersSent = true;
			return res;
		},
		end() {
			res.headersSent = true;
			return res;
		},
	};
	return res;
}
