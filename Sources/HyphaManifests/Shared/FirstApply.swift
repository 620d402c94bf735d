// SPDX-License-Identifier: Apache-2.0
/// What must exist before a first `kubectl apply` or `docker compose up`, said at
/// the top of the generated file: the Namespace, the Secrets, the env files.
enum FirstApply {
    /// Each Secret the servers read, with its keys, in file order.
    static func secrets(_ hypha: HyphaServers) -> [(secret: String, entries: [(name: String, key: String)])] {
        var result: [(secret: String, entries: [(name: String, key: String)])] = []
        for entry in hypha.secretEnv {
            if let index = result.firstIndex(where: { $0.secret == entry.secret }) {
                result[index].entries.append((entry.name, entry.key))
            } else {
                result.append((entry.secret, [(entry.name, entry.key)]))
            }
        }
        return result
    }

    /// The env file that stands for a Secret in Compose, beside the Compose file.
    static func envFile(_ secret: String) -> String { "\(secret).env" }

    static func kubernetesSteps(_ deployment: HyphaDeployment) -> String {
        let secrets = secrets(deployment.hypha)
        var lines: [String] = []
        switch (deployment.namespace, secrets.isEmpty) {
        case (let name?, true):
            lines.append("The Namespace \(name) is this file's first object: a first kubectl apply creates it.")
        case (let name?, false):
            lines += [
                "First apply: the Namespace \(name) is this file's first object, and the Secrets",
                "the servers read must be in it before they can start:",
                "  kubectl create namespace \(name) --save-config",
            ]
        case (nil, false):
            lines.append("First apply: the Secrets the servers read must exist in the namespace you apply to:")
        case (nil, true):
            break
        }
        let namespace = deployment.namespace.map { " -n \($0)" } ?? ""
        for (secret, entries) in secrets {
            let keys = entries.map { "--from-literal=\($0.key)=..." }.joined(separator: " ")
            lines.append("  kubectl create secret generic \(secret)\(namespace) \(keys)")
        }
        if !secrets.isEmpty { lines.append("  kubectl apply -f <this file>") }
        if let name = deployment.namespace {
            lines.append(
                "(kubectl delete -f <this file> deletes the Namespace \(name), with every claim and Secret in it.)")
        }
        if deployment.hypha.replicas > 1 {
            lines += [
                "Each Hypha server keeps its sessions and service registry to itself (no Redis): the",
                "Service \(Names(deployment).hyphaBase) keeps each client IP on one server (sessionAffinity: ClientIP).",
                "An Ingress sends to the pods directly: give it affinity of its own (with ingress-nginx,",
                "nginx.ingress.kubernetes.io/affinity: cookie), or clients lose their services on reconnect.",
            ]
        }
        return lines.map { "# \($0)\n" }.joined()
    }

    static func composeSteps(_ deployment: HyphaDeployment) -> String {
        let secrets = secrets(deployment.hypha)
        guard !secrets.isEmpty else { return "" }
        var lines = [
            "Secrets come from env files beside this file, so that up, down and logs need",
            "nothing exported; keep them out of version control (chmod 600):",
        ]
        for (secret, entries) in secrets {
            let variables = entries.map { "\($0.name)=... (key \($0.key))" }.joined(separator: ", ")
            lines.append("  \(envFile(secret)): \(variables)")
        }
        return lines.map { "# \($0)\n" }.joined()
    }
}

/// A Python program that returns once one of the servers in `argv[1]` (`host:port,…`)
/// accepts a TCP connection, saying what it waits for meanwhile.
enum KafkaWait {
    static let script = """
        import socket, sys, time
        servers = sys.argv[1].split(",")
        while True:
            for server in servers:
                host, port = server.rsplit(":", 1)
                try:
                    socket.create_connection((host, int(port)), timeout=3).close()
                    sys.exit(0)
                except OSError as error:
                    print(f"waiting for Kafka at {server}: {error}", flush=True)
            time.sleep(2)
        """
}
