// SPDX-License-Identifier: Apache-2.0
import HyphaYAML

/// What kubernetes-validate cannot see, since it checks one object at a time:
/// workloads' selectors against their pod labels, Services and budgets against
/// workloads, probe ports against named container ports, and each StatefulSet's
/// serviceName against a headless Service.
enum KubernetesCrossCheck {
    static func problems(in text: String) throws -> [String] {
        let documents = text.components(separatedBy: "\n---\n")
        let objects = try documents.compactMap { try YAMLReader.read($0) }
        var problems: [String] = []
        var podLabels: [[String: String]] = []
        for object in objects {
            let kind = object["kind"]?.scalarText ?? "?"
            let name = object["metadata"]?["name"]?.scalarText ?? "?"
            guard kind == "Deployment" || kind == "StatefulSet" else { continue }
            let labels = strings(object["spec"]?["template"]?["metadata"]?["labels"])
            podLabels.append(labels)
            let selector = strings(object["spec"]?["selector"]?["matchLabels"])
            if selector.isEmpty || !selector.allSatisfy({ labels[$0.key] == $0.value }) {
                problems.append("\(kind) \(name): selector \(selector) does not match its pod labels \(labels)")
            }
            for container in object["spec"]?["template"]?["spec"]?["containers"]?.items ?? [] {
                let ports = Set((container["ports"]?.items ?? []).compactMap { $0["name"]?.scalarText })
                for probe in ["startupProbe", "readinessProbe", "livenessProbe"] {
                    let port =
                        container[probe]?["httpGet"]?["port"]?.scalarText
                        ?? container[probe]?["tcpSocket"]?["port"]?.scalarText
                    if let port, !ports.contains(port) {
                        problems.append(
                            "\(kind) \(name): \(probe) uses probe port \(port), which no container port is named")
                    }
                }
            }
            if kind == "StatefulSet" {
                let serviceName = object["spec"]?["serviceName"]?.scalarText ?? ""
                let headless = objects.contains {
                    $0["kind"]?.scalarText == "Service" && $0["metadata"]?["name"]?.scalarText == serviceName
                        && $0["spec"]?["clusterIP"]?.scalarText == "None"
                }
                if !headless {
                    problems.append("StatefulSet \(name): serviceName \(serviceName) is not a headless Service here")
                }
            }
        }
        for object in objects {
            let kind = object["kind"]?.scalarText ?? "?"
            let name = object["metadata"]?["name"]?.scalarText ?? "?"
            let selector: [String: String]
            switch kind {
            case "Service": selector = strings(object["spec"]?["selector"])
            case "PodDisruptionBudget": selector = strings(object["spec"]?["selector"]?["matchLabels"])
            default: continue
            }
            if !podLabels.contains(where: { labels in
                !selector.isEmpty && selector.allSatisfy { labels[$0.key] == $0.value }
            }) {
                problems.append("\(kind) \(name): selector \(selector) matches no workload here")
            }
        }
        return problems
    }

    private static func strings(_ node: YAMLNode?) -> [String: String] {
        guard case .mapping(let pairs, _)? = node else { return [:] }
        var result: [String: String] = [:]
        for (key, value) in pairs { if let key = key.scalarText, let value = value.scalarText { result[key] = value } }
        return result
    }
}

extension YAMLNode {
    subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs, _) = self else { return nil }
        return pairs.first { $0.key.scalarText == key }?.value
    }

    var items: [YAMLNode] {
        if case .sequence(let items, _) = self { items } else { [] }
    }
}
