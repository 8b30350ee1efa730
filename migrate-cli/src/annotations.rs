//! Findings for CI: SARIF 2.1.0 (GitHub code scanning) and GitHub Actions
//! workflow commands (`::error file=…::message` annotations).

use migrate_check::{Level, Report, rules};
use serde_json::{Value, json};

use crate::output::json_diagnostics;

/// Where each rule's documentation page lives: `docs/rules/<id>.md` of the
/// repository.
pub fn help_uri(rule: &str) -> String {
    let repo = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
    format!("{repo}/blob/main/docs/rules/{rule}.md")
}

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Allow => "none",
        Level::Warn => "warning",
        Level::Error => "error",
    }
}

/// The report as a SARIF 2.1.0 log: one run whose driver lists every rule
/// (from the rule declarations), and one result per diagnostic, located by
/// a path relative to the source root and a 1-based region whose columns
/// count Unicode code points.
pub fn sarif(report: &Report) -> Value {
    let declared: Vec<&'static rules::Rule> = rules::all().collect();
    let rules_json: Vec<Value> = declared
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.explanation },
                "helpUri": help_uri(r.id),
                "help": {
                    "text": format!("{}\n\nSafe alternative: {}", r.summary, r.safe_alternative),
                },
                "defaultConfiguration": { "level": sarif_level(r.default_level) },
            })
        })
        .collect();
    let results: Vec<Value> = json_diagnostics(report)
        .iter()
        .map(|d| {
            let mut text = d.message.to_owned();
            if let Some(help) = d.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            if let Some(lock) = d.lock {
                text.push_str("\nlock: ");
                text.push_str(lock);
            }
            let mut result = json!({
                "ruleId": d.rule,
                "level": d.severity,
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": d.file.replace('\\', "/"),
                            "uriBaseId": "%SRCROOT%",
                        },
                        "region": {
                            "startLine": d.line.max(1),
                            "startColumn": d.column.max(1),
                            "endLine": d.end_line.max(d.line).max(1),
                            "endColumn": d.end_column.max(1),
                        },
                    },
                }],
            });
            if let Some(i) = declared.iter().position(|r| r.id == d.rule) {
                result["ruleIndex"] = json!(i);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "cargo-migrate",
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules_json,
                },
            },
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "The directory cargo migrate ran in (the crate root)" } } },
            "results": results,
        }],
    })
}

/// Escapes the message of a workflow command (`%`, CR, LF).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command (also `:` and `,`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One `::error …::message` (or `::warning`) line per diagnostic, as GitHub
/// Actions turns them into annotations on the pull request.
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for d in json_diagnostics(report) {
        let mut message = d.message.to_owned();
        if !d.label.is_empty() {
            message.push_str(": ");
            message.push_str(d.label);
        }
        if let Some(help) = d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        if let Some(lock) = d.lock {
            message.push_str("\nlock: ");
            message.push_str(lock);
        }
        let mut props = format!(
            "file={},line={},col={},endLine={}",
            escape_property(&d.file.replace('\\', "/")),
            d.line.max(1),
            d.column.max(1),
            d.end_line.max(d.line).max(1)
        );
        // GitHub reads endColumn only for a one-line span.
        if d.end_line <= d.line {
            props.push_str(&format!(",endColumn={}", d.end_column.max(1)));
        }
        props.push_str(&format!(
            ",title={}",
            escape_property(&format!("[{}]", d.rule))
        ));
        out.push_str(&format!(
            "::{} {props}::{}\n",
            d.severity,
            escape_data(&message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_escaping() {
        assert_eq!(escape_data("100%\r\ndone"), "100%25%0D%0Adone");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A".to_string());
    }

    #[test]
    fn help_uri_points_at_the_rule_page() {
        assert!(help_uri("drop-table").ends_with("/docs/rules/drop-table.md"));
    }
}
