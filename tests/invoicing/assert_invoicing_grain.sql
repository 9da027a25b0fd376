{#-
    The grain: one row per customer and month in fct_customer_monthly_activity,
    one row per month and service in rpt_invoice_monthly.
-#}
{{ config(severity='error', tags=['invoicing']) }}

with

customer_month_duplicates as (

    select
        'fct_customer_monthly_activity' as model_name,
        activity_month,
        cast(customer_id as {{ dbt.type_string() }}) as grain_key,
        count(*) as row_count
    from {{ ref('fct_customer_monthly_activity') }}
    group by
        activity_month,
        customer_id
    having count(*) > 1

),

month_service_duplicates as (

    select
        'rpt_invoice_monthly' as model_name,
        invoice_month as activity_month,
        service as grain_key,
        count(*) as row_count
    from {{ ref('rpt_invoice_monthly') }}
    group by
        invoice_month,
        service
    having count(*) > 1

)

select * from customer_month_duplicates
union all
select * from month_service_duplicates
