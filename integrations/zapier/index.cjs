// What Zapier loads: the built app (npm run build) as module.exports itself, not { default: app }.
module.exports = require('./dist/index.cjs').default;
