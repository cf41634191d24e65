import express from './express.js';

export const { verifyWebhook } = express;
export default express;
