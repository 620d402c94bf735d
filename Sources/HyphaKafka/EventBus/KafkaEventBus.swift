import CoreMetrics
import Foundation
import HyphaWire
import Logging
import Synchronization

/// Hypha's event bus on Kafka, as a Python Hypha server runs it, so that a Swift
/// process can join a Hypha deployment.
///
/// On the wire it is the Python server's: group `hypha_server_<id>` (every server
/// sees every event), `auto.offset.reset=latest`, one topic per event subscribed as
/// handlers are added, a health check every 5 s to `health_check_<id>`, a circuit
/// breaker after 3 consecutive failures with reconnection backoff from 1 s to 30 s.
///
/// Beyond it:
/// - events of one partition reach handlers in order, one event at a time;
///   partitions are handled independently, so a slow handler holds up only its own
///   partition, and at most for `handlerTimeout` per event (the bus then moves on
///   and counts `handler_timeout`); a partition with more than `partitionBacklog`
///   events waiting is paused until its handlers catch up;
/// - an event's offset is committed only after all its handlers have run
///   (at-least-once: after a crash or rebalance an event may come again, never
///   not at all).
///
/// `on` handlers get events from Kafka, sent by any server, this one included;
/// `onLocal` handlers get events emitted in this process. `emit` does both:
/// local handlers at once, then Kafka, returning after the broker's acknowledgement.
public final class KafkaEventBus: Sendable {
    /// The configuration it was made with.
    public let configuration: EventBusConfiguration
    private let logger: Logger
    private let metrics: BusMetrics
    private let state = Mutex(BusState())
    private let healthTopic: String

    private struct BusState {
        var registry = HandlerRegistry()
        var breaker: CircuitBreaker?
        var phase = Phase.idle
        var subscribed: Set<String> = []
        var assigned: Set<TopicPartition> = []
        var partitions: [TopicPartition: PartitionLane] = [:]
        var consumer: RDKafkaGroupConsumer?
        var producer: RDKafkaProducer?
        var tracker: DeliveryTracker?
        var healthTask: Task<Void, Never>?
        var pollThreadDone: DispatchSemaphore?
        var breakerOpenings = 0
        var breakerClosings = 0
    }

    private enum Phase { case idle, running, stopping, stopped }

    /// A bus; nothing connects before `start()`.
    public init(configuration: EventBusConfiguration, metricsFactory: (any MetricsFactory)? = nil) {
        self.configuration = configuration
        logger = configuration.kafka.logger
        metrics = BusMetrics(factory: metricsFactory ?? MetricsSystem.factory)
        healthTopic = HyphaTopic.healthCheck(serverID: configuration.serverID)
        state.withLock {
            $0.breaker = CircuitBreaker(
                threshold: configuration.failureThreshold, first: configuration.backoff.first,
                longest: configuration.backoff.longest)
        }
    }

    /// This server's id.
    public var serverID: String { configuration.serverID }

    /// Whether the circuit breaker is open now.
    public var isCircuitOpen: Bool { state.withLock { $0.breaker?.isOpen ?? false } }

    /// How often the breaker has opened and closed since `start()`.
    public var circuitTransitions: (opened: Int, closed: Int) {
        state.withLock { ($0.breakerOpenings, $0.breakerClosings) }
    }

    // MARK: - Lifecycle

    /// Connects: producer, consumer in group `hypha_server_<id>` (subscribed to the
    /// health topic and every event with a handler), health checks.
    public func start() async throws(KafkaFailure) {
        var settings = configuration.kafka
        settings.timeout = configuration.deliveryTimeout
        let producer = try RDKafkaProducer(settings: settings)
        let consumer = try RDKafkaGroupConsumer(
            settings: configuration.kafka, groupID: HyphaGroup.forServer(configuration.serverID))
        let (healthTopic, timeout) = (healthTopic, configuration.kafka.timeout)
        try await Blocking.run { () throws(KafkaFailure) in try producer.client.ensureTopic(healthTopic, timeout: timeout) }
        let pollThreadDone = DispatchSemaphore(value: 0)
        let started = state.withLock { state -> Bool in
            guard state.phase == .idle else { return false }
            state.phase = .running
            state.consumer = consumer
            state.producer = producer
            state.tracker = DeliveryTracker(producer: producer)
            state.pollThreadDone = pollThreadDone
            return true
        }
        guard started else { throw KafkaFailure(.invalidInput, "the event bus was already started") }
        try updateSubscription()
        // The thread holds the consumer only while it polls, so that `stop()`
        // destroys the handle before it returns.
        Thread.detachNewThread { [self, weak consumer] in
            if let consumer { pollLoop(consumer) }
            pollThreadDone.signal()
        }
        let health = Task { [self] in await healthLoop() }
        state.withLock { $0.healthTask = health }
    }

    /// Leaves the bus: lets handlers finish what they hold (bounded by the handler
    /// timeout), commits the handled offsets, leaves the group and waits for every
    /// emitted event's acknowledgement.
    public func stop() async {
        let (lanes, health, tracker, waiters, done) = state.withLock { state in
            guard state.phase == .running else {
                return ([PartitionLane](), Task<Void, Never>?.none, DeliveryTracker?.none, [HandlerRegistry.Waiter](), DispatchSemaphore?.none)
            }
            state.phase = .stopping
            let lanes = Array(state.partitions.values)
            state.partitions.removeAll()
            return (lanes, state.healthTask, state.tracker, state.registry.takeAllWaiters(), state.pollThreadDone)
        }
        guard let done else { return }
        health?.cancel()
        for lane in lanes { lane.finish() }
        for lane in lanes { await lane.drained() }
        for waiter in waiters { waiter.continuation.resume(throwing: CancellationError()) }
        state.withLock { $0.phase = .stopped }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                done.wait()
                continuation.resume()
            }
        }
        await health?.value
        await tracker?.close()
        // Let the handles go now: a live producer keeps refreshing its topics' metadata.
        state.withLock { state in
            state.consumer = nil
            state.producer = nil
            state.tracker = nil
        }
    }

    // MARK: - Handlers

    /// Runs `handler` for every Kafka event named `event`; returns once this bus's
    /// group has been assigned the event's topic, so that any event sent after
    /// that reaches it. Throws `.unreachable` (and removes the handler) when the
    /// assignment does not come within the Kafka timeout.
    @discardableResult
    public func on(_ event: String, _ handler: @escaping EventHandler) async throws(KafkaFailure) -> HandlerID {
        try await addKafkaHandler(event, once: false, handler)
    }

    /// Like `on`, for the next event only.
    @discardableResult
    public func once(_ event: String, _ handler: @escaping EventHandler) async throws(KafkaFailure) -> HandlerID {
        try await addKafkaHandler(event, once: true, handler)
    }

    /// Removes one Kafka handler, or all of the event's when `id` is nil; the
    /// event's topic is unsubscribed when nothing listens to it any more.
    public func off(_ event: String, _ id: HandlerID? = nil) {
        state.withLock { $0.registry.remove(.kafka, event, id: id) }
        try? updateSubscription()
    }

    /// Runs `handler` for every local event named `event`.
    @discardableResult
    public func onLocal(_ event: String, _ handler: @escaping EventHandler) -> HandlerID {
        register(.local, event, once: false, handler)
    }

    /// Like `onLocal`, for the next local event only.
    @discardableResult
    public func onceLocal(_ event: String, _ handler: @escaping EventHandler) -> HandlerID {
        register(.local, event, once: true, handler)
    }

    private func register(_ side: HandlerRegistry.Side, _ event: String, once: Bool, _ handler: @escaping EventHandler) -> HandlerID {
        state.withLock { state in
            let id = state.registry.makeID()
            state.registry.add(side, event, once: once, id: id, handler)
            return id
        }
    }

    /// Removes one local handler, or all of the event's when `id` is nil.
    public func offLocal(_ event: String, _ id: HandlerID? = nil) {
        state.withLock { $0.registry.remove(.local, event, id: id) }
    }

    private func addKafkaHandler(_ event: String, once: Bool, _ handler: @escaping EventHandler) async throws(KafkaFailure) -> HandlerID {
        let id = register(.kafka, event, once: once, handler)
        do {
            try await ensureTopic(HyphaTopic.forEvent(event))
            try updateSubscription()
            try await waitForAssignment(of: HyphaTopic.forEvent(event))
        } catch {
            state.withLock { $0.registry.remove(.kafka, event, id: id) }
            try? updateSubscription()
            throw error
        }
        return id
    }

    // MARK: - Emitting

    /// Runs this process's local handlers for the event, and resolves waiters.
    public func emitLocal(_ event: String, _ payload: EventPayload) async {
        let busEvent = BusEvent(name: event, payload: payload, origin: .local)
        let (handlers, waiters) = state.withLock { state in
            (state.registry.take(.local, event), state.registry.takeWaiters(for: busEvent))
        }
        for waiter in waiters { waiter.continuation.resume(returning: busEvent) }
        for handler in handlers { await runHandler(handler, busEvent) }
    }

    /// Delivers the event locally, then sends it to Kafka the way a Hypha server
    /// does and returns after the broker's acknowledgement. While the circuit
    /// breaker is open the local delivery still happens and the Kafka failure is thrown.
    public func emit(_ event: String, _ payload: EventPayload) async throws(KafkaFailure) {
        await emitLocal(event, payload)
        let (open, tracker) = state.withLock { ($0.breaker?.isOpen ?? false, $0.tracker) }
        guard let tracker else {
            throw KafkaFailure(.invalidInput, "emit \(event): the event bus is not running (call start() first)")
        }
        if open {
            metrics.count(event, .emitFailed)
            throw KafkaFailure(
                .unreachable, "emit \(event): Kafka's circuit breaker is open after \(configuration.failureThreshold) consecutive failures",
                hint: "the event was delivered locally; retry once the bus has reconnected")
        }
        let delivery = await tracker.send(
            topic: HyphaTopic.forEvent(event), key: EventKey.encode(type: payload.type, event: event),
            value: payload.encodedValue())
        if let error = delivery.error {
            metrics.count(event, .emitFailed)
            recordKafka(success: false)
            throw KafkaFailure(.deliveryFailed, "emit \(event): not delivered: \(error)", hint: "the event was delivered locally")
        }
        metrics.count(event, .emitted)
        recordKafka(success: true)
    }

    /// The next event named `event` that `matches` accepts, from Kafka or from this
    /// process, whichever comes first. While it waits the bus also reads the
    /// event's topic. Throws `KafkaFailure(.notFound)` when nothing matched within `timeout`.
    public func waitFor(
        _ event: String, where matches: @escaping @Sendable (BusEvent) -> Bool = { _ in true }, timeout: Duration
    ) async throws -> BusEvent {
        try? await ensureTopic(HyphaTopic.forEvent(event))
        let key = SharedValue<UInt64?>(nil)
        let subscribe: @Sendable () -> Void = { [self] in try? updateSubscription() }
        let timer = Task { [self] in
            try? await Task.sleep(for: timeout)
            guard !Task.isCancelled, let waiting = key.value else { return }
            let waiter = state.withLock { $0.registry.removeWaiter(waiting) }
            waiter?.continuation.resume(throwing: KafkaFailure(.notFound, "no \(event) event within \(timeout)"))
            subscribe()
        }
        defer { timer.cancel() }
        let found = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<BusEvent, any Error>) in
            let added = state.withLock { state -> UInt64? in
                guard state.phase == .running else { return nil }
                return state.registry.addWaiter(HandlerRegistry.Waiter(event: event, predicate: matches, continuation: continuation))
            }
            guard let added else {
                continuation.resume(throwing: KafkaFailure(.invalidInput, "waitFor \(event): the event bus is not running"))
                return
            }
            key.value = added
            subscribe()
        }
        subscribe()
        return found
    }

    // MARK: - Kafka side

    /// Subscribing to a missing topic would wait for the next metadata refresh
    /// (minutes): let the broker create it first.
    private func ensureTopic(_ topic: String) async throws(KafkaFailure) {
        guard let producer = state.withLock({ $0.producer }) else { return }
        let timeout = configuration.kafka.timeout
        try await Blocking.run { () throws(KafkaFailure) in try producer.client.ensureTopic(topic, timeout: timeout) }
    }

    private func updateSubscription() throws(KafkaFailure) {
        let (consumer, topics) = state.withLock { state -> (RDKafkaGroupConsumer?, Set<String>?) in
            guard state.phase == .running else { return (nil, nil) }
            let topics = Set(state.registry.kafkaInterest.map(HyphaTopic.forEvent)).union([healthTopic])
            guard topics != state.subscribed else { return (state.consumer, nil) }
            state.subscribed = topics
            return (state.consumer, topics)
        }
        guard let consumer, let topics else { return }
        try consumer.subscribe(topics.sorted())
    }

    private func waitForAssignment(of topic: String) async throws(KafkaFailure) {
        let deadline = ContinuousClock.now + configuration.kafka.timeout
        while ContinuousClock.now < deadline {
            let assigned = state.withLock { state in state.assigned.contains { $0.topic == topic } || state.phase != .running }
            if assigned { return }
            try? await Task.sleep(for: .milliseconds(50))
        }
        throw KafkaFailure(
            .unreachable, "subscribe to \(topic): the group \(HyphaGroup.forServer(serverID)) was not assigned it within \(configuration.kafka.timeout)",
            hint: "check that the broker is up and the group can rebalance")
    }

    /// The consumer's thread: reads messages and rebalances until the bus stops.
    private func pollLoop(_ consumer: RDKafkaGroupConsumer) {
        while state.withLock({ $0.phase == .running || $0.phase == .stopping }) {
            consumer.poll(timeoutMilliseconds: 100) { event in handle(event, consumer) }
        }
        consumer.commitStored()
        consumer.close { event in handle(event, consumer) }
    }

    private func handle(_ event: RDKafkaGroupConsumer.Event, _ consumer: RDKafkaGroupConsumer) {
        switch event {
        case .assigned(let partitions):
            logger.debug("event bus \(serverID): assigned \(partitions.count) partitions")
            state.withLock { $0.assigned.formUnion(partitions) }
        case .revoked(let partitions):
            state.withLock { $0.assigned.subtract(partitions) }
        case .message(let message):
            receive(message, consumer)
        }
    }

    private func receive(_ message: RawMessage, _ consumer: RDKafkaGroupConsumer) {
        let partition = TopicPartition(topic: message.topic, partition: message.partition)
        if message.topic == healthTopic {
            consumer.store(partition, next: message.offset + 1)
            return
        }
        let decoded = DecodedEvent.decode(topic: message.topic, key: message.key, value: message.value)
        let payload: EventPayload?
        switch decoded.data {
        case .json(let value): payload = .json(value)
        case .text(let text): payload = .text(text)
        case .bytes(let bytes): payload = .bytes(bytes)
        case .none: payload = nil
        case .invalid(let reason, _):
            logger.warning("event bus \(serverID): \(message.topic) [\(message.partition)] @\(message.offset): \(reason)")
            metrics.count(decoded.event, .undecodable)
            consumer.store(partition, next: message.offset + 1)
            return
        }
        metrics.count(decoded.event, .received)
        let event = BusEvent(
            name: decoded.event, payload: payload,
            origin: .kafka(partition: partition, offset: message.offset, timestampMillis: message.timestampMillis))
        let lane = state.withLock { state -> PartitionLane? in
            guard state.phase == .running else { return nil }
            if let lane = state.partitions[partition] { return lane }
            let lane = PartitionLane(partition: partition, backlog: configuration.partitionBacklog, consumer: consumer) { [self] in
                await dispatchKafka($0)
            }
            state.partitions[partition] = lane
            return lane
        }
        // Stopping: not handled, not stored; read again by the next run.
        lane?.enqueue(event)
    }

    private func dispatchKafka(_ event: BusEvent) async {
        if case .kafka(_, _, let timestamp?) = event.origin { metrics.recordLatency(sinceMillis: timestamp) }
        let (handlers, waiters) = state.withLock { state in
            (state.registry.take(.kafka, event.name), state.registry.takeWaiters(for: event))
        }
        for waiter in waiters { waiter.continuation.resume(returning: event) }
        for handler in handlers { await runHandler(handler, event) }
    }

    /// Runs one handler, waiting at most the handler timeout for it.
    private func runHandler(_ handler: @escaping EventHandler, _ event: BusEvent) async {
        let work = Task { try await handler(event) }
        let outcome = await HandlerRace.run(work, timeout: configuration.handlerTimeout)
        switch outcome {
        case .finished: break
        case .failed(let error):
            metrics.count(event.name, .handlerFailed)
            logger.warning("event bus \(serverID): a handler of \(event.name) failed: \(error)")
        case .timedOut:
            metrics.count(event.name, .handlerTimeout)
            logger.warning("event bus \(serverID): a handler of \(event.name) ran past \(configuration.handlerTimeout); moving on")
        }
    }

    // MARK: - Health and the circuit breaker

    private func healthLoop() async {
        while !Task.isCancelled {
            let (open, backoff, tracker) = state.withLock { ($0.breaker?.isOpen ?? false, $0.breaker?.backoff, $0.tracker) }
            try? await Task.sleep(for: open ? (backoff ?? configuration.backoff.first) : configuration.healthCheckInterval)
            guard !Task.isCancelled, let tracker else { return }
            let value = String(format: "%.3f", Date().timeIntervalSince1970)
            let delivery = await tracker.send(
                topic: healthTopic, key: Array(healthTopic.utf8), value: Array(value.utf8),
                waitAtMost: min(configuration.healthCheckInterval, .seconds(5)))
            if let error = delivery.error { logger.debug("event bus \(serverID): health check failed: \(error)") }
            recordKafka(success: delivery.error == nil)
        }
    }

    private func recordKafka(success: Bool) {
        let transition = state.withLock { state -> CircuitBreaker.Transition? in
            let transition = success ? state.breaker?.recordSuccess() : state.breaker?.recordFailure()
            if transition == .opened { state.breakerOpenings += 1 }
            if transition == .closed { state.breakerClosings += 1 }
            return transition
        }
        switch transition {
        case .opened?:
            metrics.circuit(open: true)
            metrics.count(healthTopic, .circuitOpened)
            logger.warning("event bus \(serverID): circuit breaker open after \(configuration.failureThreshold) consecutive Kafka failures; reconnecting")
        case .closed?:
            metrics.circuit(open: false)
            metrics.count(healthTopic, .circuitClosed)
            logger.info("event bus \(serverID): Kafka reachable again; circuit breaker closed")
        case nil:
            break
        }
    }
}

/// The outcome of running a handler against a deadline.
enum HandlerRace {
    enum Outcome { case finished, failed(any Error), timedOut }

    /// Waits for `work` or `timeout`, whichever ends first; `work` is never cancelled.
    static func run(_ work: Task<Void, any Error>, timeout: Duration) async -> Outcome {
        let claimed = SharedValue(false)
        return await withCheckedContinuation { continuation in
            Task {
                let result = await work.result
                guard claimed.claim() else { return }
                switch result {
                case .success: continuation.resume(returning: .finished)
                case .failure(let error): continuation.resume(returning: .failed(error))
                }
            }
            Task {
                try? await Task.sleep(for: timeout)
                guard claimed.claim() else { return }
                continuation.resume(returning: .timedOut)
            }
        }
    }
}

/// A value shared between tasks, behind a lock.
final class SharedValue<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    init(_ value: Value) { storage = Mutex(value) }

    var value: Value {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}

extension SharedValue where Value == Bool {
    /// Sets the flag; true for the one caller that found it unset.
    func claim() -> Bool {
        storage.withLock { taken in
            defer { taken = true }
            return !taken
        }
    }
}
