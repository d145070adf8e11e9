// @ts-check
'use strict';

const crypto = require('crypto');

/**
 * Signs result URLs the way a CDN does: `?expires=<unix ms>&sig=<hmac>` over the file path and
 * expiry, with a secret only the simulator knows.
 * @param {string} [secret]
 */
function createUrlSigner(secret = crypto.randomBytes(32).toString('hex')) {
	/** @param {string} taskId @param {number} n @param {number} expires */
	const sign = (taskId, n, expires) =>
		crypto.createHmac('sha256', secret).update(`${taskId}/${n}/${expires}`).digest('hex');

	return {
		sign,
		/** @param {string} fileUrl @param {string} taskId @param {number} n @param {number} expires */
		url(fileUrl, taskId, n, expires) {
			return `${fileUrl}/files/${taskId}/${n}.wav?expires=${expires}&sig=${sign(taskId, n, expires)}`;
		},
		/** @param {string} taskId @param {number} n @param {string} expires @param {string} sig */
		verify(taskId, n, expires, sig) {
			if (!/^\d{1,16}$/.test(expires) || !/^[0-9a-f]{64}$/.test(sig)) return false;
			const expected = Buffer.from(sign(taskId, n, Number(expires)), 'hex');
			return crypto.timingSafeEqual(expected, Buffer.from(sig, 'hex'));
		},
	};
}

module.exports = { createUrlSigner };
