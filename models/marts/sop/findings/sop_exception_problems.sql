-- The bad rows of seeds/sop_exceptions.csv, one per row and problem: no reason,
-- no agreed_by, a missing date, an expiry before the agreement or more than 180
-- days after it, a rule not in the catalogue, a customer not in the export.
-- Its is_empty test (sop_exceptions_are_valid, severity error) fails the run
-- (exit 1); the runner prints each row (ids and the problem, never the reason).
-- A model rather than a test on the seed: a failing test skips everything
-- downstream of the nodes it tests, and the seed and staging feed every mart.

with

exceptions as (

    select * from {{ ref('sop_exceptions') }}

),

rules as (

    select rule_id from {{ ref('sop_rules') }}

),

customers as (

    select customer_id from {{ ref('stg_juvonno__customers') }}

),

problems as (

    select
        customer_id,
        rule_id,
        agreed_on,
        'no reason' as problem
    from exceptions
    where reason is null or trim(reason) = ''

    union all

    select
        customer_id,
        rule_id,
        agreed_on,
        'no agreed_by' as problem
    from exceptions
    where agreed_by is null or trim(agreed_by) = ''

    union all

    select
        customer_id,
        rule_id,
        agreed_on,
        'no agreed_on or expires_on date' as problem
    from exceptions
    where agreed_on is null or expires_on is null

    union all

    select
        customer_id,
        rule_id,
        agreed_on,
        'expires_on is before agreed_on' as problem
    from exceptions
    where expires_on < agreed_on

    union all

    select
        customer_id,
        rule_id,
        agreed_on,
        'expires_on is more than 180 days after agreed_on' as problem
    from exceptions
    where {{ days_between('agreed_on', 'expires_on') }} > 180

    union all

    select
        exceptions.customer_id,
        exceptions.rule_id,
        exceptions.agreed_on,
        'unknown rule_id' as problem
    from exceptions
    left join rules
        on exceptions.rule_id = rules.rule_id
    where rules.rule_id is null

    union all

    select
        exceptions.customer_id,
        exceptions.rule_id,
        exceptions.agreed_on,
        'unknown customer_id' as problem
    from exceptions
    left join customers
        on exceptions.customer_id = customers.customer_id
    where customers.customer_id is null

)

select * from problems
