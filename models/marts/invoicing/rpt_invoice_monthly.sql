{#-
    The monthly invoice: one row per month and service that has activity among
    invoiceable accounts (not test_like, not in an excluded group), summed from
    int_customer_monthly_service_activity (the services are its rows: none is
    listed here). No row is invented for a month or service without activity.
    Units are attended sessions for the appointment services and iCBT modules
    started for icbt; a customer counts as billable in a service when billable
    in the month and engaged in that service.
-#}

with

service_activity as (

    select
        customer_id,
        activity_month,
        service,
        units,
        missed_sessions,
        is_service_engaged
    from {{ ref('int_customer_monthly_service_activity') }}

),

customer_months as (

    select
        customer_id,
        activity_month,
        as_of_date,
        is_as_of_month,
        is_billable,
        has_open_findings
    from {{ ref('fct_customer_monthly_activity') }}
    where
        not is_test_like
        and not is_in_excluded_group

),

billable as (

    select
        service_activity.customer_id,
        service_activity.activity_month,
        service_activity.service,
        service_activity.units,
        service_activity.missed_sessions,
        customer_months.as_of_date,
        customer_months.is_as_of_month,
        customer_months.has_open_findings,
        (customer_months.is_billable and service_activity.is_service_engaged) as is_billable_in_service
    from service_activity
    inner join customer_months
        on service_activity.customer_id = customer_months.customer_id
        and service_activity.activity_month = customer_months.activity_month

),

-- Customers are counted, not counted distinct: the long model has one row per customer,
-- month and service (its grain test, severity error, runs before this model in dbt build),
-- so each group holds a customer once. count(distinct) cost 3x the CPU at 1M (two extra
-- aggregations over 4M rows).
monthly as (

    select
        activity_month as invoice_month,
        service,
        as_of_date,
        is_as_of_month,
        cast(count(case when is_billable_in_service then customer_id end) as integer) as billable_customers,
        cast(sum(case when is_billable_in_service then units else 0 end) as integer) as billable_units,
        cast(sum(missed_sessions) as integer) as missed_sessions,
        cast(count(case when is_billable_in_service and has_open_findings then customer_id end) as integer)
            as billable_customers_with_findings,
        cast(sum(case when is_billable_in_service and has_open_findings then units else 0 end) as integer)
            as billable_units_with_findings
    from billable
    group by
        activity_month,
        service,
        as_of_date,
        is_as_of_month

),

final as (

    select
        invoice_month,
        service,
        as_of_date,
        is_as_of_month,
        billable_customers,
        billable_units,
        missed_sessions,
        billable_customers_with_findings,
        billable_units_with_findings
    from monthly

)

select * from final
