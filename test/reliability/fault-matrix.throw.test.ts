/** The fault matrix (without Continue On Fail): see fault-matrix.ts. */
import { faultMatrix } from './fault-matrix';

faultMatrix('throw');
