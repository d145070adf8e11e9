import { matrixSuite } from './suite';

matrixSuite('off-stop', (row) => row.wait === 'off' && row.onError === 'stopWorkflow');
