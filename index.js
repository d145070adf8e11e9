// n8n loads the nodes and credentials listed under "n8n" in package.json; this entry only keeps
// `require('n8n-nodes-freepik')` working and points at them.
module.exports = {
	nodes: ['dist/nodes/Freepik/Freepik.node.js', 'dist/nodes/Freepik/FreepikTrigger.node.js'],
	credentials: ['dist/credentials/FreepikApi.credentials.js'],
};
