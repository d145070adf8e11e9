import { matrixSuite } from './suite';

matrixSuite('off-continue', (row) => row.wait === 'off' && row.onError === 'continueRegularOutput');
