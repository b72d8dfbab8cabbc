// Hands its work to a class, as trigger frameworks do.
trigger AccountTrigger on Account (after insert) {
    AccountHandler.afterInsert();
}
