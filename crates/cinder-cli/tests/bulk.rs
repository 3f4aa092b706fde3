//! Many volumes in one run: `cinder create --count N` and `cinder delete --concurrency N`.

mod common;

use common::*;

/// `id name status` lines of `-f value -c id -c name -c status`.
fn id_name_status(stdout: &str) -> Vec<(String, String, String)> {
    stdout
        .lines()
        .map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(words.len(), 3, "{line:?}");
            (words[0].into(), words[1].into(), words[2].into())
        })
        .collect()
}

#[test]
fn create_count_makes_numbered_volumes_and_delete_takes_them_concurrently() {
    require_cloud();
    let name = unique("bulk");
    let stdout = ok(&[
        "create",
        "--count",
        "3",
        "--concurrency",
        "2",
        "--name",
        &name,
        "--wait",
        "-f",
        "value",
        "-c",
        "id",
        "-c",
        "name",
        "-c",
        "status",
        "1",
    ]);
    let created = id_name_status(&stdout);
    let ids: Vec<String> = created.iter().map(|(id, _, _)| id.clone()).collect();
    let mut delete = vec!["delete".to_string()];
    delete.extend(ids.iter().cloned());
    let _cleanup = Cleanup(vec![delete]);
    // In order, named <name>-1..3, and waited for.
    let names: Vec<&str> = created.iter().map(|(_, n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            format!("{name}-1"),
            format!("{name}-2"),
            format!("{name}-3")
        ]
    );
    assert!(created.iter().all(|(_, _, s)| s == "available"), "{stdout}");
    let listed = ok(&[
        "list",
        "--name",
        &format!("{name}-2"),
        "-f",
        "value",
        "-c",
        "id",
    ]);
    assert_eq!(listed.trim(), ids[1]);

    let mut args = vec!["delete", "--concurrency", "3", "--wait"];
    args.extend(ids.iter().map(String::as_str));
    let stdout = ok(&args);
    for id in &ids {
        assert!(
            stdout.contains(&format!("Request to delete volume {id} has been accepted.")),
            "{stdout}"
        );
        let gone = fails(&["show", id]);
        assert!(gone.stderr.contains("No volume"), "{}", gone.stderr);
    }
}

#[test]
fn create_count_prints_a_list_in_every_format() {
    require_cloud();
    let name = unique("bulk-json");
    let stdout = ok(&["create", "--count", "2", "--name", &name, "-f", "json", "1"]);
    let volumes: serde_json::Value = serde_json::from_str(&stdout).expect("a JSON array");
    let volumes = volumes.as_array().expect("a JSON array");
    let ids: Vec<String> = volumes
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();
    let mut delete = vec!["delete".to_string()];
    delete.extend(ids.iter().cloned());
    let _cleanup = Cleanup(vec![delete]);
    assert_eq!(volumes.len(), 2, "{stdout}");
    assert_eq!(volumes[1]["name"], format!("{name}-2"));
    assert_eq!(volumes[0]["size"], 1);
    for id in &ids {
        wait_for(&["show", id], "status", &["available"]);
    }
}

#[test]
fn delete_reports_each_failure_and_deletes_the_rest() {
    require_cloud();
    let name = unique("bulk-partial");
    let created = ok(&["create", "1", "--name", &name]);
    let id = prop(&created, "id").expect("created volume has an id");
    let _cleanup = Cleanup(vec![vec!["delete".into(), id.clone()]]);
    wait_for(&["show", &id], "status", &["available"]);

    let missing = format!("{name}-missing");
    let run = fails(&["delete", "--concurrency", "4", &missing, &id]);
    // The failure's line on stdout, as cinderclient prints it; the command's error on stderr.
    assert!(
        run.stdout
            .contains(&format!("Delete for volume {missing} failed")),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("Unable to delete some of the specified volumes."),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains(&format!("Request to delete volume {id} has been accepted.")),
        "{}",
        run.stdout
    );
    wait_gone(&["show", &id]);
}
