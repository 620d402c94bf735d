// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaWire
import RDKafkaMock

/// The faults of the plan, on librdkafka's mock cluster, and their cure.
struct FaultInjector: Sendable {
    let cluster: MockKafkaCluster
    let ledger: Ledger

    /// Applies one fault; one that lasts (a broker down, a slow broker) is undone
    /// after its time or at `end`, whichever comes first.
    func apply(_ fault: Fault, end: ContinuousClock.Instant) async {
        ledger.count("faults")
        func hold(_ seconds: Double) async {
            try? await Task.sleep(until: min(.now + .seconds(seconds), end), clock: .continuous)
        }
        switch fault {
        case .brokerDown(let broker, let seconds):
            cluster.takeDown(broker: broker)
            await hold(seconds)
            cluster.bringUp(broker: broker)
        case .allDown(let seconds):
            cluster.takeDown()
            await hold(seconds)
            cluster.bringUp()
        case .requestErrors(let request, let codes):
            cluster.failNext(request, with: codes)
        case .refuseProduce(let codes):
            cluster.failNext(.produce, with: codes)
        case .moveCoordinator(let server, let broker):
            cluster.moveGroupCoordinator(HyphaGroup.forServer(Plan.serverID(server)), to: broker)
        case .moveLeader(let event, let partition, let broker):
            cluster.moveLeader(topic: HyphaTopic.forEvent(event), partition: partition, to: broker)
        case .slowBroker(let milliseconds, let broker, let seconds):
            cluster.setRoundTripTime(milliseconds: milliseconds, broker: broker)
            await hold(seconds)
            cluster.setRoundTripTime(milliseconds: 0, broker: broker)
        }
    }

    /// Every broker up and prompt, no request errors left.
    func heal() {
        cluster.bringUp()
        cluster.setRoundTripTime(milliseconds: 0)
        for request in MockKafkaCluster.Request.allCases { cluster.clearErrors(request) }
    }
}
