// SPDX-License-Identifier: Apache-2.0
import CoreMetrics
import Synchronization

/// The RPC connections' metrics, under the names of Hypha's Kafka connection:
/// counter `kafka_rpc_call` (label `workspace`), counter
/// `kafka_client_requests_total` (`workspace`, `client_id`) and, for clients whose
/// id ends in `__rlb` (load-balanced), gauge `kafka_client_load` (`workspace`,
/// `client_id`): requests per minute.
struct RPCMetrics: Sendable {
    let factory: any MetricsFactory

    /// Requests and load per `<workspace>/<client id>`, shared by every connection
    /// of the process, as Hypha keeps them on its connection class.
    private static let clients = Mutex<[String: ClientLoad]>([:])

    /// A message was sent by `clientID` of `workspace`.
    func recordRequest(workspace: String, clientID: String, at now: ContinuousClock.Instant = .now) {
        Counter(label: "kafka_rpc_call", dimensions: [("workspace", workspace)], factory: factory).increment()
        Counter(
            label: "kafka_client_requests_total", dimensions: [("workspace", workspace), ("client_id", clientID)],
            factory: factory
        ).increment()
        guard Self.isLoadBalanced(clientID) else { return }
        let load = Self.clients.withLock { clients in
            clients["\(workspace)/\(clientID)", default: ClientLoad()].recordRequest(at: now)
        }
        loadGauge(workspace: workspace, clientID: clientID).record(load)
    }

    /// The client disconnected: a load-balanced one's load is forgotten and shown as 0.
    func recordGone(workspace: String, clientID: String) {
        guard Self.isLoadBalanced(clientID) else { return }
        _ = Self.clients.withLock { $0.removeValue(forKey: "\(workspace)/\(clientID)") }
        loadGauge(workspace: workspace, clientID: clientID).record(0)
    }

    private func loadGauge(workspace: String, clientID: String) -> Gauge {
        Gauge(
            label: "kafka_client_load", dimensions: [("workspace", workspace), ("client_id", clientID)],
            factory: factory)
    }

    /// Whether the client takes part in load balancing (its id ends in `__rlb`).
    static func isLoadBalanced(_ clientID: String) -> Bool {
        clientID.utf8.count >= 5 && clientID.utf8.suffix(5).elementsEqual("__rlb".utf8)
    }
}

/// One client's requests per minute, as Hypha's `_update_load_metric` reckons
/// them: at each request, the requests since the one before divided by the
/// minutes since it; 0 at the first request, and when no time has passed.
struct ClientLoad: Sendable {
    /// Requests counted so far.
    private(set) var requests = 0
    /// When the load was last reckoned, and the requests counted then.
    private var last: (time: ContinuousClock.Instant, requests: Int)?

    /// Counts one request made at `now`; returns the load to show.
    mutating func recordRequest(at now: ContinuousClock.Instant) -> Double {
        requests += 1
        defer { last = (now, requests) }
        guard let last else { return 0 }
        let minutes = (now - last.time) / .seconds(60)
        return minutes > 0 ? Double(requests - last.requests) / minutes : 0
    }
}
