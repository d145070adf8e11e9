/**
 * Every test starts like a fresh n8n process: no record of earlier tries (Retry On Fail) left by an
 * earlier test, whose runs share the harness's execution id.
 */
import { clearRetryLedger } from '../../nodes/Freepik/helpers/retryLedger';

beforeEach(() => clearRetryLedger());
