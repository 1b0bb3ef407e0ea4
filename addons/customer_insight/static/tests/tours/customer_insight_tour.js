import {registry} from "@web/core/registry";
import {openNotebookPage} from "@customer_relationship/../tests/tours/tour_notebook";

registry.category("web_tour.tours").add("customer_insight_tour", {
    steps: () => [
        ...openNotebookPage("Churn Risk"),
        {
            content: "The churn explanation names the customer's usual interval",
            trigger: ".o_customer_churn_explanation:contains('usual interval 30 days')",
        },
        {
            content: "The explanation has a line for the order value trend",
            trigger: ".o_customer_churn_explanation li:contains('Order value trend')",
        },
        {
            content: "The product is recommended with its reason",
            trigger:
                ".o_field_widget[name=customer_recommendation_ids] .o_data_row:contains('Tour Filter'):contains('Bought Tour Kettle')",
        },
        {
            content: "Open the customer's sales",
            trigger: ".o_form_view button[name=action_view_sale_order]",
            run: "click",
        },
        {
            content: "Open the quotation",
            trigger:
                ".o_list_view .o_data_row td[name=name]:contains('Tour Quotation')",
            run: "click",
        },
        ...openNotebookPage("Recommended Products"),
        {
            content: "Add the recommended product",
            trigger:
                ".o_field_widget[name=insight_recommendation_ids] .o_data_row:contains('Tour Filter') button[name=action_add_to_order]",
            run: "click",
        },
        ...openNotebookPage("Order Lines"),
        {
            content: "The product is on the quotation",
            trigger:
                ".o_field_widget[name=order_line] .o_data_row:contains('Tour Filter')",
        },
    ],
});
