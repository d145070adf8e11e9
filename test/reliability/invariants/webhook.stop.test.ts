import { matrixSuite } from './suite';

matrixSuite('webhook-stop', (row) => row.wait === 'webhook' && row.onError === 'stopWorkflow');
