-- SOP-01 No Group must be empty: group is No Group.

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        'No Group' as group_name,
        cast(null as {{ dbt.type_string() }}) as expected_group,
        'in No Group: no group allocated' as detail
    from facts
    where in_no_group

)

select * from hits
