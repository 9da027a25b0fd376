-- SOP-70 Ended by request before treatment began: group is Pt Requested End of Services and
-- not began_treatment.

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        'Pt Requested End of Services' as group_name,
        cast(null as {{ dbt.type_string() }}) as expected_group,
        'end of services but treatment never began' as detail
    from facts
    where in_pt_requested_end_of_services
        and not began_treatment

)

select * from hits
