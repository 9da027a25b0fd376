-- SOP-71 End of services without a recorded request: group is Pt Requested End of Services
-- and not end_requested.

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        'Pt Requested End of Services' as group_name,
        cast(null as {{ dbt.type_string() }}) as expected_group,
        'no End of Services Request recorded' as detail
    from facts
    where in_pt_requested_end_of_services
        and not end_requested

)

select * from hits
