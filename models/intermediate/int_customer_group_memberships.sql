-- One row per effective group membership of a non-deleted customer: repeated
-- (customer, group) pairs count once; a `No Group` row next to a real group is
-- dropped; a customer with no membership, or only `No Group` rows, gets one
-- `No Group` membership. Unknown groups are memberships (SOP-05).

with

customers as (

    select
        customer_id,
        status
    from {{ ref('stg_juvonno__customers') }}
    where not is_deleted

),

customer_groups as (

    select * from {{ ref('stg_juvonno__customer_groups') }}

),

patient_groups as (

    select * from {{ ref('patient_groups') }}

),

real_memberships as (

    select distinct
        customer_groups.customer_id,
        customer_groups.group_name,
        customer_groups.is_in_catalogue,
        customer_groups.sop_status,
        customer_groups.must_be_empty
    from customer_groups
    inner join customers
        on customer_groups.customer_id = customers.customer_id
    where not customer_groups.is_no_group

),

customers_with_group as (

    select distinct customer_id from real_memberships

),

no_group_memberships as (

    select
        customers.customer_id,
        'No Group' as group_name,
        true as is_in_catalogue,
        patient_groups.sop_status,
        coalesce(patient_groups.must_be_empty, true) as must_be_empty
    from customers
    left join customers_with_group
        on customers.customer_id = customers_with_group.customer_id
    left join patient_groups
        on patient_groups.group_name = 'No Group'
    where customers_with_group.customer_id is null

),

memberships as (

    select * from real_memberships
    union all
    select * from no_group_memberships

),

final as (

    select
        memberships.customer_id,
        memberships.group_name,
        memberships.group_name = 'No Group' as is_no_group,
        memberships.is_in_catalogue,
        memberships.sop_status,
        memberships.must_be_empty,
        customers.status as customer_status
    from memberships
    inner join customers
        on memberships.customer_id = customers.customer_id

)

select * from final
