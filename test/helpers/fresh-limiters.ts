/**
 * Every test starts like a fresh n8n process: no rate limiter shared from an earlier test (whose
 * 429s would otherwise slow the next test down). Tests of sharing run their executions in one test.
 */
import { clearSharedLimiters } from '../../nodes/Freepik/transport/limiterRegistry';

beforeEach(() => clearSharedLimiters());
