use cinder_client::Run;
use cinder_client::{ApiVersion, VersionRequest};
use cinder_tests::cloud;

#[tokio::test]
async fn negotiates_and_lists_volumes() {
    let cinder = cloud::admin(VersionRequest::Latest).await;
    assert_eq!(cinder.version(), ApiVersion(71));
    let list = cinder.raw().list_volumes_detail().run().await.unwrap();
    println!("{} volumes", list.volumes.len());
}
