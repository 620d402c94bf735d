// SPDX-License-Identifier: Apache-2.0
/// `doctor`'s lines: status, check, detail, then the fix indented.
enum DoctorRendering {
    static func render(_ findings: [DoctorFinding], style: Style) -> String {
        findings.map { finding in
            let status =
                switch finding.status {
                case .ok: style.green("ok  ")
                case .skip: style.dim("skip")
                case .warn: style.yellow("warn")
                case .fail: style.red("fail")
                }
            var line = "\(status)  \(finding.check): \(finding.detail)\n"
            if let fix = finding.fix { line += "      → \(fix)\n" }
            return line
        }.joined()
    }
}
