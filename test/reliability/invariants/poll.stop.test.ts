import { matrixSuite } from './suite';

matrixSuite('poll-stop', (row) => row.wait === 'poll' && row.onError === 'stopWorkflow');
