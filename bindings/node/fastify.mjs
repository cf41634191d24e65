import hooksigFastify from './fastify.js';

export { hooksigFastify };
export default hooksigFastify;
