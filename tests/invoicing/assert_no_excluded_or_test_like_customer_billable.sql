{#-
    No customer in an excluded group (the invoice_excluded_groups seed: Test,
    Parent Contact, Sandbox), no test_like account and no deleted or unknown
    customer is ever billable. Derived again from staging and
    patient_group_audit, not from the model's own flags.
-#}
{{ config(severity='error', tags=['invoicing']) }}

with

billable as (

    select
        customer_id,
        activity_month
    from {{ ref('fct_customer_monthly_activity') }}
    where is_billable

),

excluded_memberships as (

    select
        customer_groups.customer_id,
        customer_groups.group_name as reason
    from {{ ref('stg_juvonno__customer_groups') }} as customer_groups
    inner join {{ ref('invoice_excluded_groups') }} as excluded_groups
        on lower(trim(customer_groups.group_name)) = lower(trim(excluded_groups.group_name))

),

test_like as (

    select
        customer_id,
        'test_like' as reason
    from {{ ref('patient_group_audit') }}
    where is_test_like

),

not_a_live_customer as (

    select
        billable.customer_id,
        'deleted or not in customers' as reason
    from billable
    left join {{ ref('stg_juvonno__customers') }} as customers
        on billable.customer_id = customers.customer_id
    where customers.customer_id is null or customers.is_deleted

),

never_billable as (

    select
        customer_id,
        reason
    from excluded_memberships
    union all
    select
        customer_id,
        reason
    from test_like
    union all
    select
        customer_id,
        reason
    from not_a_live_customer

)

select
    billable.customer_id,
    billable.activity_month,
    never_billable.reason
from billable
inner join never_billable
    on billable.customer_id = never_billable.customer_id
