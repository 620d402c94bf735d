// SPDX-License-Identifier: Apache-2.0
// The wire types (EventPayload, JSONValue, HyphaTopic, …) are part of the bus's API:
// `import HyphaEventBus` brings them.
@_exported import HyphaWire
