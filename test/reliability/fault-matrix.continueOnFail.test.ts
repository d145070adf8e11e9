/** The fault matrix (with Continue On Fail): see fault-matrix.ts. */
import { faultMatrix } from './fault-matrix';

faultMatrix('continueOnFail');
