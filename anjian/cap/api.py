from ninja import Router

router = Router(tags=["预警信息发布"])
