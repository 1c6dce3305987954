exports.handler = async () => ({})
