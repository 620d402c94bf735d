// The wire types (EventPayload, JSONValue, HyphaTopic, …) are part of the bus's API:
// `import HyphaEventBus` brings them.
@_exported import HyphaWire
