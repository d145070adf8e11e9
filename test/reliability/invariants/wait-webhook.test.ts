import { matrixSuite } from './suite';

matrixSuite('wait-webhook', (row) => row.wait === 'webhook');
