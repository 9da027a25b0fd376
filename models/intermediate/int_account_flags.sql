-- One row per non-deleted customer: test-like and commissioner flags from the
-- account_patterns seed (sop-rules.md). Reads personal columns, outputs only
-- derived booleans.

with

customers as (

    select
        customer_id,
        first_name,
        last_name,
        warnings,
        {{ dbt.split_part('email', "'@'", 1) }} as email_local_part,
        lower(trim({{ dbt.split_part('email', "'@'", 2) }})) as email_domain
    from {{ ref('stg_juvonno__customers') }}
    where not is_deleted

),

patterns as (

    select kind, lower(trim(value)) as value
    from {{ ref('account_patterns') }}

),

words as (

    select
        {{ dbt.listagg("case when kind = 'name_word' then value end", "'|'") }} as name_words,
        {{ dbt.listagg("case when kind = 'email_word' then value end", "'|'") }} as email_words,
        {{ dbt.listagg("case when kind = 'commissioner_word' then value end", "'|'") }} as commissioner_words
    from patterns

),

email_domains as (

    select distinct value from patterns where kind = 'email_domain'

),

commissioner_domains as (

    select distinct value from patterns where kind = 'commissioner_domain'

),

matched as (

    select
        customers.customer_id,
        coalesce({{ has_word('customers.first_name', 'words.name_words') }}, false)
            or coalesce({{ has_word('customers.last_name', 'words.name_words') }}, false)
            as matches_name_word,
        coalesce({{ has_word('customers.email_local_part', 'words.email_words') }}, false)
            as matches_email_word,
        email_domains.value is not null as matches_email_domain,
        commissioner_domains.value is not null as is_commissioner_by_domain,
        coalesce({{ has_word('customers.warnings', 'words.commissioner_words') }}, false)
            as has_commissioner_warning
    from customers
    cross join words
    left join email_domains
        on customers.email_domain = email_domains.value
    left join commissioner_domains
        on customers.email_domain = commissioner_domains.value

),

final as (

    select
        customer_id,
        matches_name_word,
        matches_email_word,
        matches_email_domain,
        is_commissioner_by_domain,
        has_commissioner_warning,
        (has_commissioner_warning or is_commissioner_by_domain) as is_commissioner,
        (
            matches_name_word
            or matches_email_word
            or matches_email_domain
            or is_commissioner_by_domain
            or has_commissioner_warning
        ) as is_test_like
    from matched

)

select * from final
