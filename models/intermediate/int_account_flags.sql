-- One row per non-deleted customer: test-like and commissioner flags from the
-- account_patterns seed (sop-rules.md). Reads personal columns, outputs only
-- derived booleans. Word kinds match by splitting each text into its words
-- (maximal runs of letters, lower case) and joining them to the seed.

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

    select distinct
        kind,
        lower(trim(value)) as value
    from {{ ref('account_patterns') }}

),

texts as (

    select
        customer_id,
        'name_word' as kind,
        first_name as text_value
    from customers
    where first_name is not null
    union all
    select
        customer_id,
        'name_word' as kind,
        last_name as text_value
    from customers
    where last_name is not null
    union all
    select
        customer_id,
        'email_word' as kind,
        email_local_part as text_value
    from customers
    where email_local_part is not null
    union all
    select
        customer_id,
        'commissioner_word' as kind,
        warnings as text_value
    from customers
    where warnings is not null

),

words as (

    select
        customer_id,
        kind,
        {{ split_words('text_value') }} as word
    from texts

),

word_matches as (

    select
        words.customer_id,
        max(case when words.kind = 'name_word' then 1 else 0 end) = 1 as matches_name_word,
        max(case when words.kind = 'email_word' then 1 else 0 end) = 1 as matches_email_word,
        max(case when words.kind = 'commissioner_word' then 1 else 0 end) = 1 as has_commissioner_warning
    from words
    inner join patterns
        on words.kind = patterns.kind
        and words.word = patterns.value
    group by words.customer_id

),

email_domains as (

    select value from patterns
    where kind = 'email_domain'

),

commissioner_domains as (

    select value from patterns
    where kind = 'commissioner_domain'

),

matched as (

    select
        customers.customer_id,
        coalesce(word_matches.matches_name_word, false) as matches_name_word,
        coalesce(word_matches.matches_email_word, false) as matches_email_word,
        email_domains.value is not null as matches_email_domain,
        commissioner_domains.value is not null as is_commissioner_by_domain,
        coalesce(word_matches.has_commissioner_warning, false) as has_commissioner_warning
    from customers
    left join word_matches
        on customers.customer_id = word_matches.customer_id
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
