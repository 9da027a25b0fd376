-- DQ-01 Past appointment without an outcome: the customer has an appointment in class booked
-- whose date is before D. About the customer as a whole.

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        group_names as group_name,
        cast(null as {{ dbt.type_string() }}) as expected_group,
        {{ txt('booked_past_count') }}
        || ' booked appointment(s) before '
        || {{ txt(as_of_date()) }}
        || ', earliest '
        || {{ txt('earliest_booked_past_date') }} as detail
    from facts
    where booked_past_count > 0

)

select * from hits
