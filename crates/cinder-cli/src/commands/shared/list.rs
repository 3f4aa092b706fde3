//! A filtered, paged list, as every list command prints one: the query its options and
//! `--filters` make (with the microversions they need), pages of the resource's list fetched
//! as JSON through the library's paging (so a resource lacking or adding fields is printed as
//! sent), rows shaped per command, the table sorted by ID unless the server was asked for an
//! order.

use anyhow::Result;
use cinder_client::paging::{page_json, JsonPage, PagedList};
use cinder_client::resources::Resource;
use cinder_client::Cinder;
use serde_json::Value;

use crate::gates::{self, Needs};

use crate::output::{columns, Column, ListPage, OutputArgs, PageArgs, PageRequest};
use crate::{kv, python, values};

/// `--all-tenants`, as most of cinderclient's list commands take it: `0`/`1` (or a boolean),
/// `1` when given without a value, and without it the `ALL_TENANTS` environment variable
/// (cinderclient's `default=utils.env('ALL_TENANTS')`, or `os.environ.get("ALL_TENANTS", ...)`).
#[derive(clap::Args, Debug, Default)]
pub struct AllTenants {
    /// Shows details for all tenants. Admin only.
    #[arg(long = "all-tenants", alias = "all_tenants", value_name = "0|1", num_args = 0..=1,
          default_missing_value = "1", value_parser = values::all_tenants,
          env = "ALL_TENANTS", hide_env = true)]
    pub all_tenants: Option<bool>,
}

impl AllTenants {
    /// Whether all tenants were asked for (`--all-tenants 0` is as without it).
    pub fn given(&self) -> bool {
        self.all_tenants == Some(true)
    }
}

/// `--all-tenants` of the list commands where cinderclient ignores `ALL_TENANTS`
/// (`backup-list`).
#[derive(clap::Args, Debug, Default)]
pub struct AllTenantsFlag {
    /// Shows details for all tenants. Admin only.
    #[arg(long = "all-tenants", alias = "all_tenants", value_name = "0|1", num_args = 0..=1,
          default_missing_value = "1", value_parser = values::all_tenants)]
    pub all_tenants: Option<bool>,
}

impl AllTenantsFlag {
    /// Whether all tenants were asked for (`--all-tenants 0` is as without it).
    pub fn given(&self) -> bool {
        self.all_tenants == Some(true)
    }
}

/// `--filters` of the list commands whose help says the same (the others keep cinderclient's
/// own wording, e.g. type-list's and transfer-list's version).
#[derive(clap::Args, Debug, Default)]
pub struct ListFilters {
    /// Filter key and value pairs (API 3.33 and later): any filter the cloud enables (see
    /// list-filters); key~=value matches inexactly (3.34 and later).
    #[arg(long = "filters", value_name = "key=value", num_args = 0..,
          value_parser = values::key_value, value_terminator = crate::argv::PAIRS_END)]
    pub pairs: Option<Vec<String>>,
}

/// The query of a list beyond paging, in the order it is sent: what the options set, then
/// `--filters` as given (a pair replaces an option's parameter of the same name, as
/// cinderclient's dictionary update does). Encoded as cinderclient encodes it.
#[derive(Clone, Debug, Default)]
pub struct Query {
    pairs: Vec<(String, String)>,
    /// The keys options set that `--filters` may not give again.
    once: Vec<(&'static str, bool)>,
    /// What the options used need of the microversion, checked before the first request.
    needs: Vec<&'static Needs>,
}

impl Query {
    /// [`Query::set`] for an option whose key is one of cinderclient's known filters of the
    /// command (its `RESOURCE_FILTERS`): `--filters` may not give it again.
    pub fn option(mut self, key: &'static str, value: Option<impl ToString>) -> Self {
        self.once.push((key, value.is_some()));
        self.set(key, value)
    }

    /// `--filters` as a list command takes them from cinderclient: refused when a key is also
    /// given by its [`Query::option`] ("Filters are only allowed to be passed once."), empty
    /// values left out; from 3.33.
    pub fn list_filters(self, filters: &Option<Vec<String>>) -> Result<Self> {
        let pairs = kv::list_filters(filters, &self.once)?;
        Ok(self
            .needs(filters.is_some(), &gates::FILTERS)
            .filters(pairs))
    }

    /// The list needs `needs` of the microversion when `used` (an option of a later version).
    pub fn needs(mut self, used: bool, needs: &'static Needs) -> Self {
        if used {
            self.needs.push(needs);
        }
        self
    }

    /// `key=value`, when there is a value; replaces an earlier `key`.
    pub fn set(mut self, key: &str, value: Option<impl ToString>) -> Self {
        if let Some(value) = value {
            self.pairs.retain(|(k, _)| k != key);
            self.pairs.push((key.to_string(), value.to_string()));
        }
        self
    }

    /// `--filters` pairs, each replacing an earlier pair of the same key.
    pub fn filters(self, pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        pairs
            .into_iter()
            .fold(self, |query, (key, value)| query.set(&key, Some(value)))
    }

    /// The pairs.
    pub fn pairs(&self) -> Vec<(String, String)> {
        self.pairs.clone()
    }

    /// Refuses the query unless the microversion in use has what its options need.
    pub fn require(&self, cinder: &Cinder) -> Result<()> {
        self.needs
            .iter()
            .try_for_each(|needs| gates::require(cinder, needs))
    }
}

/// One page of `list` with `query`, as [`PageArgs::stream`] asks for it.
pub async fn page<L: PagedList>(list: &L, query: &Query, request: PageRequest) -> Result<JsonPage> {
    let mut list = list.clone();
    if let Some(marker) = request.marker {
        list = list.with_marker(marker);
    }
    if let Some(limit) = request.limit {
        list = list.with_limit(limit);
    }
    Ok(cinder_client::with_query(query.pairs(), page_json(list)).await?)
}

/// Prints every row of resource `R`'s list with `query` under `columns`, each item made a row
/// by `row`, following `--marker`, `--limit`, `--sort` and `--page-size`; returns the total the
/// server counted, when asked to (`--with-count`).
pub async fn print<'c, R: Resource>(
    cinder: &'c Cinder,
    query: Query,
    paging: &PageArgs,
    output: &OutputArgs,
    columns: &[Column],
    row: impl Fn(Value) -> Value,
) -> Result<Option<u64>>
where
    R::List<'c>: PagedList,
{
    let list = cinder.handle::<R>().list();
    print_from(cinder, list, query, paging, output, columns, row).await
}

/// [`print`] of another list operation than the resource's (a summary list, as cinderclient
/// asks for some): `list`, the generated request.
pub async fn print_from<L: PagedList>(
    cinder: &Cinder,
    list: L,
    query: Query,
    paging: &PageArgs,
    output: &OutputArgs,
    columns: &[Column],
    row: impl Fn(Value) -> Value,
) -> Result<Option<u64>> {
    query.require(cinder)?;
    // cinderclient sorts the table by ID unless the server was asked for an order.
    let sort_by = paging.sort.is_none().then_some("id");
    let mut out = output.list(columns)?.sort_table_by(sort_by);
    let query = query.set("sort", paging.sort.as_ref());
    let count = paging
        .stream(&mut out, |request| {
            let (list, query, row) = (&list, &query, &row);
            async move {
                let page = page(list, query, request).await?;
                Ok(ListPage {
                    rows: page.items.into_iter().map(row).collect(),
                    next_marker: page.next_marker,
                    count: page.count,
                })
            }
        })
        .await?;
    out.finish()?;
    Ok(count)
}

/// [`print`] for a list that takes `--with-count`: the server's total, when it sent one, is
/// noted after the table as cinderclient does ("Volume in total: 3").
pub async fn print_counted<'c, R: Resource>(
    cinder: &'c Cinder,
    what: &str,
    query: Query,
    paging: &PageArgs,
    output: &OutputArgs,
    columns: &[Column],
    row: impl Fn(Value) -> Value,
) -> Result<()>
where
    R::List<'c>: PagedList,
{
    if let Some(count) = print::<R>(cinder, query, paging, output, columns, row).await? {
        output.note(&format!("{what} in total: {count}"))?;
    }
    Ok(())
}

/// The columns of `--fields a,b`: cinderclient's titles of the fields, once each, after the ID.
pub fn fields_columns(fields: &str) -> Vec<Column> {
    let mut headers = vec!["ID".to_string()];
    for field in fields
        .split(',')
        .map(|f| python::title(f).trim().to_string())
    {
        if field != "Id" && !headers.contains(&field) {
            headers.push(field);
        }
    }
    columns(&headers.iter().map(String::as_str).collect::<Vec<_>>())
}
