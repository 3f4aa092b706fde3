//! Every spelling python-cinderclient 9.10 accepts for the options of the commands this CLI
//! has, hidden legacy ones included, parses here and means what it means there. The table was
//! made from cinderclient's own parser (`get_base_parser()` and `get_subcommand_parser()` at
//! 3.0 and 3.71, every option string of every action); the global options this CLI does not
//! have at all (`--service-type`, `--os-auth-strategy`, `--profile`, ...) are left out.

use clap::Parser;

use crate::Cli;

/// `(cinderclient's command line, this CLI's usual spelling of it)`: both must parse, to the
/// same thing.
const GLOBAL: &[(&str, &str)] = &[
    ("-d list", "--debug list"),
    ("--debug list", "--debug list"),
    (
        "--os-endpoint-type internal list",
        "--os-endpoint-type internal list",
    ),
    (
        "--os_endpoint_type internal list",
        "--os-endpoint-type internal list",
    ),
    (
        "--os-volume-api-version 3.50 list",
        "--os-volume-api-version 3.50 list",
    ),
    (
        "--os_volume_api_version 3.50 list",
        "--os-volume-api-version 3.50 list",
    ),
    ("--os-endpoint http://e list", "--os-endpoint http://e list"),
    ("--os_endpoint http://e list", "--os-endpoint http://e list"),
    ("--retries 1 list", "--retries 1 list"),
    ("--insecure list", "--insecure list"),
    ("--os-cacert ca.pem list", "--os-cacert ca.pem list"),
    ("--os-cert c.pem list", "--os-cert c.pem list"),
    ("--os-key k.pem list", "--os-key k.pem list"),
    ("--timeout 5 list", "--timeout 5 list"),
    (
        "--os-auth-type password list",
        "--os-auth-type password list",
    ),
    (
        "--os-auth-plugin password list",
        "--os-auth-type password list",
    ),
    (
        "--os_auth_type password list",
        "--os-auth-type password list",
    ),
    ("--os-auth-url http://k list", "--os-auth-url http://k list"),
    ("--os_auth_url http://k list", "--os-auth-url http://k list"),
    ("--os-project-id p list", "--os-project-id p list"),
    ("--os-tenant-id p list", "--os-project-id p list"),
    ("--os_project_id p list", "--os-project-id p list"),
    ("--os-project-name p list", "--os-project-name p list"),
    ("--os-tenant-name p list", "--os-project-name p list"),
    ("--os_project_name p list", "--os-project-name p list"),
    (
        "--os-project-domain-id d list",
        "--os-project-domain-id d list",
    ),
    (
        "--os-project-domain-name d list",
        "--os-project-domain-name d list",
    ),
    ("--os-user-id u list", "--os-user-id u list"),
    ("--os_user_id u list", "--os-user-id u list"),
    ("--os-username u list", "--os-username u list"),
    ("--os-user-name u list", "--os-username u list"),
    ("--os_username u list", "--os-username u list"),
    ("--os-user-domain-id d list", "--os-user-domain-id d list"),
    ("--os_user_domain_id d list", "--os-user-domain-id d list"),
    (
        "--os-user-domain-name d list",
        "--os-user-domain-name d list",
    ),
    (
        "--os_user_domain_name d list",
        "--os-user-domain-name d list",
    ),
    ("--os-password s list", "--os-password s list"),
    ("--os_password s list", "--os-password s list"),
    ("--os_region_name r list", "--os-region-name r list"),
    ("--os_token t list", "--os-token t list"),
];

/// The options of each subcommand, in cinderclient's order.
const SUBCOMMANDS: &[(&str, &str)] = &[
    ("create 1 --consisgroup-id x", "create 1 --consisgroup-id x"),
    ("create 1 --snapshot-id x", "create 1 --snapshot-id x"),
    ("create 1 --snapshot_id x", "create 1 --snapshot-id x"),
    ("create 1 --source-volid x", "create 1 --source-volid x"),
    ("create 1 --source_volid x", "create 1 --source-volid x"),
    ("create 1 --image-id x", "create 1 --image-id x"),
    ("create 1 --image_id x", "create 1 --image-id x"),
    ("create 1 --image x", "create 1 --image x"),
    ("create 1 --image_ref x", "create 1 --image x"),
    ("create 1 --name x", "create 1 --name x"),
    ("create 1 --display-name x", "create 1 --name x"),
    ("create 1 --display_name x", "create 1 --name x"),
    ("create 1 --description x", "create 1 --description x"),
    (
        "create 1 --display-description x",
        "create 1 --description x",
    ),
    (
        "create 1 --display_description x",
        "create 1 --description x",
    ),
    ("create 1 --volume-type x", "create 1 --volume-type x"),
    ("create 1 --volume_type x", "create 1 --volume-type x"),
    (
        "create 1 --availability-zone x",
        "create 1 --availability-zone x",
    ),
    (
        "create 1 --availability_zone x",
        "create 1 --availability-zone x",
    ),
    ("create 1 --metadata a=1", "create 1 --metadata a=1"),
    ("create 1 --hint a=b", "create 1 --hint a=b"),
    ("create 1 --poll", "create 1 --wait"),
    ("create 1 --group-id x", "create 1 --group-id x"),
    ("create 1 --backup-id x", "create 1 --backup-id x"),
    ("delete v --cascade", "delete v --cascade"),
    (
        "encryption-type-create t luks --cipher aes",
        "encryption-type-create t luks --cipher aes",
    ),
    (
        "encryption-type-create t luks --key-size 256",
        "encryption-type-create t luks --key-size 256",
    ),
    (
        "encryption-type-create t luks --key_size 256",
        "encryption-type-create t luks --key-size 256",
    ),
    (
        "encryption-type-create t luks --control-location front-end",
        "encryption-type-create t luks --control-location front-end",
    ),
    (
        "encryption-type-create t luks --control_location back-end",
        "encryption-type-create t luks --control-location back-end",
    ),
    (
        "encryption-type-update t --provider x",
        "encryption-type-update t --provider x",
    ),
    (
        "encryption-type-update t --cipher aes",
        "encryption-type-update t --cipher aes",
    ),
    (
        "encryption-type-update t --key-size 256",
        "encryption-type-update t --key-size 256",
    ),
    (
        "encryption-type-update t --control-location front-end",
        "encryption-type-update t --control-location front-end",
    ),
    ("list --all-tenants 1", "list --all-tenants 1"),
    ("list --all_tenants 1", "list --all-tenants 1"),
    ("list --name x", "list --name x"),
    ("list --display-name x", "list --name x"),
    ("list --status x", "list --status x"),
    ("list --bootable True", "list --bootable True"),
    ("list --migration_status x", "list --migration_status x"),
    ("list --metadata a=1", "list --metadata a=1"),
    ("list --marker x", "list --marker x"),
    ("list --limit 5", "list --limit 5"),
    ("list --fields x", "list --fields x"),
    ("list --sort name", "list --sort name"),
    ("list --tenant p", "list --tenant p"),
    ("list --group_id x", "list --group_id x"),
    ("list --image_metadata a=1", "list --image_metadata a=1"),
    ("list --filters name=x", "list --filters name=x"),
    ("list --with-count True", "list --with-count True"),
    ("list-filters --resource x", "list-filters --resource x"),
    ("message-list --marker x", "message-list --marker x"),
    ("message-list --limit 5", "message-list --limit 5"),
    ("message-list --sort name", "message-list --sort name"),
    (
        "message-list --resource_uuid x",
        "message-list --resource_uuid x",
    ),
    (
        "message-list --resource_type x",
        "message-list --resource_type x",
    ),
    ("message-list --event_id x", "message-list --event_id x"),
    ("message-list --request_id x", "message-list --request_id x"),
    ("message-list --level x", "message-list --level x"),
    (
        "message-list --filters name=x",
        "message-list --filters name=x",
    ),
    (
        "migrate v host --force-host-copy True",
        "migrate v host --force-host-copy True",
    ),
    (
        "migrate v host --lock-volume True",
        "migrate v host --lock-volume True",
    ),
    ("migrate v --cluster c", "migrate v --cluster c"),
    ("rename v n --description x", "rename v n --description x"),
    (
        "rename v n --display-description x",
        "rename v n --description x",
    ),
    (
        "rename v n --display_description x",
        "rename v n --description x",
    ),
    ("reset-state v --type volume", "reset-state v --type volume"),
    (
        "reset-state v --state available",
        "reset-state v --state available",
    ),
    (
        "reset-state v --attach-status detached",
        "reset-state v --attach-status detached",
    ),
    (
        "reset-state v --reset-migration-status",
        "reset-state v --reset-migration-status",
    ),
    (
        "retype v t --migration-policy never",
        "retype v t --migration-policy never",
    ),
    (
        "snapshot-create v --force True",
        "snapshot-create v --force True",
    ),
    ("snapshot-create v --name x", "snapshot-create v --name x"),
    (
        "snapshot-create v --display-name x",
        "snapshot-create v --name x",
    ),
    (
        "snapshot-create v --display_name x",
        "snapshot-create v --name x",
    ),
    (
        "snapshot-create v --description x",
        "snapshot-create v --description x",
    ),
    (
        "snapshot-create v --display-description x",
        "snapshot-create v --description x",
    ),
    (
        "snapshot-create v --display_description x",
        "snapshot-create v --description x",
    ),
    (
        "snapshot-create v --metadata a=1",
        "snapshot-create v --metadata a=1",
    ),
    ("snapshot-delete s --force", "snapshot-delete s --force"),
    (
        "snapshot-list --all-tenants 1",
        "snapshot-list --all-tenants 1",
    ),
    (
        "snapshot-list --all_tenants 1",
        "snapshot-list --all-tenants 1",
    ),
    ("snapshot-list --name x", "snapshot-list --name x"),
    ("snapshot-list --display-name x", "snapshot-list --name x"),
    ("snapshot-list --display_name x", "snapshot-list --name x"),
    ("snapshot-list --status x", "snapshot-list --status x"),
    ("snapshot-list --volume-id x", "snapshot-list --volume-id x"),
    ("snapshot-list --volume_id x", "snapshot-list --volume-id x"),
    ("snapshot-list --marker x", "snapshot-list --marker x"),
    ("snapshot-list --limit 5", "snapshot-list --limit 5"),
    ("snapshot-list --sort name", "snapshot-list --sort name"),
    ("snapshot-list --tenant p", "snapshot-list --tenant p"),
    (
        "snapshot-list --metadata a=1",
        "snapshot-list --metadata a=1",
    ),
    (
        "snapshot-list --filters name=x",
        "snapshot-list --filters name=x",
    ),
    (
        "snapshot-list --with-count True",
        "snapshot-list --with-count True",
    ),
    (
        "snapshot-rename s n --description x",
        "snapshot-rename s n --description x",
    ),
    (
        "snapshot-rename s n --display-description x",
        "snapshot-rename s n --description x",
    ),
    (
        "snapshot-rename s n --display_description x",
        "snapshot-rename s n --description x",
    ),
    (
        "snapshot-reset-state s --state available",
        "snapshot-reset-state s --state available",
    ),
    ("summary --all-tenants 1", "summary --all-tenants 1"),
    (
        "type-access-add --project-id p --volume-type x",
        "type-access-add --project-id p --volume-type x",
    ),
    (
        "type-access-add --volume-type t --project-id x",
        "type-access-add --volume-type t --project-id x",
    ),
    (
        "type-access-list --volume-type x",
        "type-access-list --volume-type x",
    ),
    (
        "type-access-remove --project-id p --volume-type x",
        "type-access-remove --project-id p --volume-type x",
    ),
    (
        "type-access-remove --volume-type t --project-id x",
        "type-access-remove --volume-type t --project-id x",
    ),
    (
        "type-create t --description x",
        "type-create t --description x",
    ),
    (
        "type-create t --is-public true",
        "type-create t --is-public true",
    ),
    ("type-list --filters name=x", "type-list --filters name=x"),
    ("type-update t --name x", "type-update t --name x"),
    (
        "type-update t --description x",
        "type-update t --description x",
    ),
    (
        "type-update t --is-public true",
        "type-update t --is-public true",
    ),
    (
        "upload-to-image v img --force True",
        "upload-to-image v img --force True",
    ),
    (
        "upload-to-image v img --container-format x",
        "upload-to-image v img --container-format x",
    ),
    (
        "upload-to-image v img --container_format x",
        "upload-to-image v img --container-format x",
    ),
    (
        "upload-to-image v img --disk-format x",
        "upload-to-image v img --disk-format x",
    ),
    (
        "upload-to-image v img --disk_format x",
        "upload-to-image v img --disk-format x",
    ),
    (
        "upload-to-image v img --visibility public",
        "upload-to-image v img --visibility public",
    ),
    (
        "upload-to-image v img --protected True",
        "upload-to-image v img --protected True",
    ),
];

/// argparse's other leniencies: abbreviations, options given twice, optional values.
const ARGPARSE: &[(&str, &str)] = &[
    // Any unambiguous prefix of a long option.
    ("list --field id,name", "list --fields id,name"),
    ("list --with 1", "list --with-count 1"),
    ("snapshot-list --volume x", "snapshot-list --volume-id x"),
    ("create --avail az 1", "create --availability-zone az 1"),
    ("create --snapshot_i x", "create --snapshot-id x"),
    (
        "upload-to-image --container bare v img",
        "upload-to-image --container-format bare v img",
    ),
    (
        "--os-volume-api 3.5 list",
        "--os-volume-api-version 3.5 list",
    ),
    ("--os-project-n p list", "--os-project-name p list"),
    // The last of an option given twice wins.
    ("list --name a --name b", "list --name b"),
    ("create --name a --display_name b 1", "create --name b 1"),
    ("--os-cloud a --os-cloud b list", "--os-cloud b list"),
    ("delete --cascade --cascade v", "delete --cascade v"),
    // Optional values.
    ("list --tenant", "list"),
    ("snapshot-list --tenant", "snapshot-list"),
    ("list --all-tenants", "list --all-tenants 1"),
    ("list --all-tenants 2", "list --all-tenants 1"),
    ("summary --all-tenants", "summary --all-tenants 1"),
    ("list --bootable", "list --bootable true"),
    // IDs are passed on as given.
    ("create --snapshot-id snap-1", "create --snapshot_id snap-1"),
    ("create --backup-id 1234", "create --backup-id 1234"),
    ("create --group-id 5678 1", "create --group-id 5678 1"),
    (
        "create --consisgroup-id 5678 1",
        "create --consisgroup-id 5678 1",
    ),
    ("message-delete 1234 abc", "message-delete 1234 abc"),
    ("message-show 1234", "message-show 1234"),
    // Any filter key, inexact ones too.
    (
        "list --filters name~=abc colour=red",
        "list --filters name~=abc colour=red",
    ),
];

fn parse(line: &str) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(std::iter::once("cinder").chain(line.split_whitespace()))
}

#[test]
fn every_cinderclient_spelling_parses_to_what_it_means_there() {
    let mut failures = Vec::new();
    for (theirs, ours) in GLOBAL.iter().chain(SUBCOMMANDS).chain(ARGPARSE) {
        match (parse(theirs), parse(ours)) {
            (Ok(a), Ok(b)) if format!("{a:?}") == format!("{b:?}") => {}
            (Ok(a), Ok(b)) => failures.push(format!("{theirs:?} means {a:?}\n  not {b:?}")),
            (Err(e), _) => failures.push(format!("{theirs:?}: {}", e.kind())),
            (_, Err(e)) => failures.push(format!("{ours:?} (ours): {}", e.kind())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// cinderclient's hidden `--image_name` sets the positional's value: the option is kept apart
/// (clap cannot give one field to both) and wins when the request is made.
#[test]
fn upload_to_image_takes_the_hidden_image_name_option() {
    let cli = parse("upload-to-image v ignored --image_name img").unwrap();
    let crate::AnyCommand::Cloud(crate::commands::Command::UploadToImage(args)) = cli.command
    else {
        panic!("not upload-to-image: {cli:?}");
    };
    assert_eq!(args.image_name_option.unwrap_or(args.image_name), "img");
}

#[test]
fn ambiguous_prefixes_are_refused_as_argparse_refuses_them() {
    for line in [
        "list --s x",
        "create --display x 1",
        "--os-user x list",
        "list --fi x",
    ] {
        let error = parse(line).map(drop).unwrap_err();
        assert_eq!(
            error.kind(),
            clap::error::ErrorKind::UnknownArgument,
            "{line}: {error}"
        );
    }
}
